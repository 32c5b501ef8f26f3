package io.neurowatch.connectors.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.connectors.io.FileFormatException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code <file>.taps.json} sidecar that names a TorchScript model's outputs:
 * {@code {"outputs": ["logits", "layer3", "layer4"]}}, the model's own output first. Stateless.
 */
final class TapsSidecar {
    private TapsSidecar() {
    }

    /**
     * Where the sidecar of {@code model} is looked for, in order: {@code m.pt.taps.json} (the file name plus the
     * suffix, what docs and {@code ModelIdentity} use), then {@code m.taps.json}.
     */
    static List<Path> candidates(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        List<Path> out = new ArrayList<>();
        out.add(model.resolveSibling(name + TappedModel.SIDECAR_SUFFIX));
        if (dot > 0) {
            out.add(model.resolveSibling(name.substring(0, dot) + TappedModel.SIDECAR_SUFFIX));
        }
        return out;
    }

    static List<String> read(Path model) throws IOException {
        for (Path p : candidates(model)) {
            if (Files.isRegularFile(p)) {
                return parse(p);
            }
        }
        throw new FileNotFoundException(model + ": no output names given and no sidecar " + candidates(model)
                + " (write {\"outputs\": [\"output\", \"tap1\", ...]} there, or pass the names)");
    }

    static List<String> parse(Path sidecar) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(sidecar.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new FileFormatException(sidecar, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode outputs = root == null ? null : root.get("outputs");
        if (outputs == null || !outputs.isArray() || outputs.isEmpty()) {
            throw new FileFormatException(sidecar, "expected {\"outputs\": [\"name\", ...]} with at least one name");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            JsonNode n = outputs.get(i);
            if (!n.isTextual() || n.asText().isBlank()) {
                throw new FileFormatException(sidecar, "outputs[" + i + "] is " + n + ", not a non-empty string");
            }
            if (names.contains(n.asText())) {
                throw new FileFormatException(sidecar, "outputs[" + i + "] repeats the name '" + n.asText() + "'");
            }
            names.add(n.asText());
        }
        return List.copyOf(names);
    }
}
