package io.neurowatch.ops.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurowatch.analyzers.artifacts.ArtifactDetector;
import io.neurowatch.analyzers.artifacts.DetectorBank.DetectorState;
import io.neurowatch.connectors.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The analyzer's detectors and their thresholds in {@code <work dir>/detectors.json}, so detectors found by DORA
 * and frozen reference thresholds survive restarts. Written whole to a temp file and renamed.
 */
final class DetectorFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectorFile() {
    }

    static void write(Path file, List<DetectorState> states) throws IOException {
        ArrayNode arr = JSON.createArrayNode();
        for (DetectorState s : states) {
            ObjectNode n = arr.addObject();
            n.put("model", s.detector().model());
            n.put("layer", s.detector().layer());
            n.put("neuron", s.detector().neuron());
            if (Double.isNaN(s.threshold())) {
                n.putNull("threshold");
            } else {
                n.put("threshold", s.threshold());
            }
            n.put("frozen", s.frozen());
            n.put("origin", s.origin());
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.set("detectors", arr);
        AtomicFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    /**
     * @return the stored detectors, or none if the file does not exist
     * @throws IOException naming the file and the entry if it cannot be read
     */
    static List<DetectorState> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        JsonNode root = JSON.readTree(file.toFile());
        List<DetectorState> out = new ArrayList<>();
        JsonNode arr = root.path("detectors");
        for (int i = 0; i < arr.size(); i++) {
            JsonNode n = arr.get(i);
            try {
                ArtifactDetector d = new ArtifactDetector(n.get("model").asText(), n.get("layer").asText(),
                        n.get("neuron").asInt());
                JsonNode t = n.get("threshold");
                out.add(new DetectorState(d, t == null || t.isNull() ? Double.NaN : t.asDouble(),
                        n.path("frozen").asBoolean(), n.path("origin").asText("restored")));
            } catch (RuntimeException e) {
                throw new IOException(file + ": detectors[" + i + "] is not {model, layer, neuron, threshold, "
                        + "frozen, origin}: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
