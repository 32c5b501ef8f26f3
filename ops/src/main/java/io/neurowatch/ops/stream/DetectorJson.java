package io.neurowatch.ops.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurowatch.analyzers.artifacts.ArtifactDetector;
import io.neurowatch.analyzers.artifacts.DetectorBank.DetectorState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A detector and its threshold as a record of the analyzer's compacted detectors topic (key {@code
 * model/layer/neuron}), so that detectors found by DORA and frozen reference thresholds survive restarts and moves:
 * <pre>{"model": "m", "layer": "pool", "neuron": 5, "threshold": 3.1, "frozen": true, "origin": "dora m@1"}</pre>
 * A threshold not known yet is {@code null}.
 */
final class DetectorJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectorJson() {
    }

    static byte[] key(ArtifactDetector d) {
        return d.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] encode(DetectorState s) {
        ObjectNode n = JSON.createObjectNode();
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
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IOException if the value is not a detector record (naming what is missing) */
    static DetectorState decode(byte[] value) throws IOException {
        JsonNode n = JSON.readTree(value);
        try {
            ArtifactDetector d = new ArtifactDetector(n.get("model").asText(), n.get("layer").asText(),
                    n.get("neuron").asInt());
            JsonNode t = n.get("threshold");
            return new DetectorState(d, t == null || t.isNull() ? Double.NaN : t.asDouble(),
                    n.path("frozen").asBoolean(), n.path("origin").asText("restored"));
        } catch (RuntimeException e) {
            throw new IOException("not a detector record {model, layer, neuron, threshold, frozen, origin}: "
                    + e.getMessage(), e);
        }
    }
}
