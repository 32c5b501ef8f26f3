package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.clipdissect.StreamingTopK;
import io.neurowatch.connectors.io.AtomicFiles;
import io.neurowatch.core.state.SourcePartition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The streaming CLIP-Dissect state of every layer together with the source offsets it covers, written whole and
 * renamed into place. On restart the source resumes at these offsets at the latest, so every record reaches the
 * heaps exactly once, although the state is only checkpointed at label runs and on shutdown.
 *
 * @param next per partition, the first offset the state has not seen
 * @param layers state per {@code model/layer}
 */
record ClipCheckpoint(Map<SourcePartition, Long> next, Map<String, StreamingTopK> layers) {
    private static final int MAGIC = 0x4E57434B; // "NWCK"
    private static final int VERSION = 1;

    static ClipCheckpoint empty() {
        return new ClipCheckpoint(new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    void write(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(next.size());
            for (Map.Entry<SourcePartition, Long> e : next.entrySet()) {
                out.writeUTF(e.getKey().topic());
                out.writeInt(e.getKey().partition());
                out.writeLong(e.getValue());
            }
            out.writeInt(layers.size());
            for (Map.Entry<String, StreamingTopK> e : layers.entrySet()) {
                out.writeUTF(e.getKey());
                e.getValue().write(out);
            }
        }
        AtomicFiles.writeAtomically(file, bytes.toByteArray());
    }

    /**
     * @return the stored checkpoint, or null if there is none
     * @throws IOException naming the file if it is not a checkpoint or is truncated
     */
    static ClipCheckpoint read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(file + ": not a Neurowatch CLIP-Dissect checkpoint (version " + VERSION + ")");
            }
            ClipCheckpoint c = empty();
            int partitions = in.readInt();
            for (int i = 0; i < partitions; i++) {
                c.next.put(new SourcePartition(in.readUTF(), in.readInt()), in.readLong());
            }
            int layers = in.readInt();
            for (int i = 0; i < layers; i++) {
                String key = in.readUTF();
                c.layers.put(key, StreamingTopK.read(in, file + " layer " + key));
            }
            return c;
        } catch (EOFException e) {
            throw new IOException(file + ": truncated CLIP-Dissect checkpoint", e);
        }
    }
}
