package io.neurowatch.ops.stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.connectors.io.AtomicFiles;
import io.neurowatch.core.wire.ActivationBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The unflattened feature shape of each (model, layer), fixed by the first batch that carries one and kept in
 * {@code <work dir>/schemas.json} across restarts. A later batch with another shape (same D, e.g. [512, 1, 1]
 * after [128, 2, 2]) is a schema change the analyzer refuses as a dead letter: its rows would silently mix two
 * meanings of the same neuron index. D itself is the archive's to check; batches without a shape are accepted.
 *
 * <p>Not thread-safe (the analyzer's writer thread).
 */
final class LayerSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, int[]> shapes;

    private LayerSchemas(Path file, Map<String, int[]> shapes) {
        this.file = file;
        this.shapes = shapes;
    }

    /** @throws IOException naming the file if it exists but is not a shape map */
    static LayerSchemas open(Path file) throws IOException {
        Map<String, int[]> shapes = new TreeMap<>();
        if (Files.exists(file)) {
            try {
                Map<String, List<Integer>> stored = JSON.readValue(file.toFile(), new TypeReference<>() {
                });
                stored.forEach((k, v) -> shapes.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ": not a layer schema file (model/layer -> feature shape): "
                        + e.getMessage(), e);
            }
        }
        return new LayerSchemas(file, shapes);
    }

    /** @return null if the batch carries no shape, its layer has none yet, or the same one; else what differs */
    String check(ActivationBatch b) {
        int[] shape = b.featureShape();
        int[] known = shape == null ? null : shapes.get(b.key());
        return known == null || Arrays.equals(known, shape) ? null : b.key() + ": feature shape "
                + Arrays.toString(shape) + " differs from " + Arrays.toString(known) + ", fixed by the layer's first "
                + "shaped batch (" + file + "); a changed layer needs a new layer name or model id";
    }

    /**
     * Records the shape of an admitted batch if its layer has none yet (call only once the archive took it, so a
     * refused batch never fixes a shape).
     *
     * @throws IOException if the new shape cannot be stored
     */
    void remember(ActivationBatch b) throws IOException {
        int[] shape = b.featureShape();
        if (shape == null || shapes.containsKey(b.key())) {
            return;
        }
        Map<String, int[]> next = new TreeMap<>(shapes);
        next.put(b.key(), shape);
        AtomicFiles.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(next));
        shapes.put(b.key(), shape);
    }
}
