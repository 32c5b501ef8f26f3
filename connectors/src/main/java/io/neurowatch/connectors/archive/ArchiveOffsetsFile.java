package io.neurowatch.connectors.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurowatch.connectors.io.AtomicFiles;
import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.core.state.SourcePartition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code <root>/_archive.json}: the archive-wide exactly-once frontier,
 * {@code {"version": 1, "archived_offsets": [{"topic": t, "partition": p, "next": n}, ...]}}. Every record of
 * partition p below n has all its rows in flushed segments of every layer it had rows for. It is rewritten
 * (atomically) only after the layer manifests it depends on, so after a crash it can lag the layers but never lead
 * them. The name starts with '_', which escaped model names never do.
 *
 * <p>Stateless and thread-safe.
 */
final class ArchiveOffsetsFile {
    static final String FILE_NAME = "_archive.json";
    private static final int VERSION = 1;

    private ArchiveOffsetsFile() {
    }

    /** The stored frontier; empty if the file does not exist yet. */
    static Map<SourcePartition, Long> read(Path root) throws IOException {
        Path file = root.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Map.of();
        }
        JsonNode top;
        try {
            top = OffsetJson.JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new FileFormatException(file, "malformed JSON: " + e.getOriginalMessage(), e);
        }
        if (top == null || !top.isObject() || top.get("version") == null || top.get("version").intValue() != VERSION) {
            throw new FileFormatException(file, "expected {\"version\": " + VERSION + ", \"archived_offsets\": [...]}");
        }
        return OffsetJson.parseNextOffsets(file, "\"archived_offsets\"", top.get("archived_offsets"));
    }

    static void write(Path root, Map<SourcePartition, Long> offsets) throws IOException {
        ObjectNode top = OffsetJson.JSON.createObjectNode();
        top.put("version", VERSION);
        top.set("archived_offsets", OffsetJson.nextOffsets(offsets));
        byte[] bytes = (OffsetJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(top) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        AtomicFiles.writeAtomically(root.resolve(FILE_NAME), bytes);
    }
}
