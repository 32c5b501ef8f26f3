package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.clipdissect.DenseConceptSimilarity;
import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.connectors.io.Hdf5ActivationSource;
import io.neurowatch.connectors.io.NpyArray;
import io.neurowatch.connectors.io.NpyDtype;
import io.neurowatch.connectors.io.NpyHeader;
import io.neurowatch.connectors.io.NpyReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads CLIP-Dissect's concept-similarity matrix P [N, C] into memory as float32: an {@code .npy} of float16/32/64
 * (float64 is rounded, as the reference computes P in float32) or a 2-D dataset of an HDF5 file or segment directory.
 */
final class SimilarityInputs {
    /** HDF5 dataset read when none is named. */
    static final String DEFAULT_DATASET = "P";
    /** Doubles per column block read from HDF5 (256 MiB). */
    private static final long HDF5_BLOCK = 1L << 25;

    private SimilarityInputs() {
    }

    static DenseConceptSimilarity open(Path path, String dataset) throws IOException {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("similarity " + path + ": no such file or directory");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return !Files.isDirectory(path) && name.endsWith(".npy") ? npy(path) : hdf5(path, dataset);
    }

    private static DenseConceptSimilarity npy(Path path) throws IOException {
        NpyHeader h = NpyReader.readHeader(path);
        NpyDtype t = h.dtype();
        if (h.ndim() != 2 || (t != NpyDtype.FLOAT16 && t != NpyDtype.FLOAT32 && t != NpyDtype.FLOAT64)) {
            throw new FileFormatException(path, "similarity must be a 2-D [N, C] float16/float32/float64 array;"
                    + " found " + h.describe());
        }
        if (h.size() > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(path, "similarity " + h.describe() + " has more than 2^31 values, too many"
                    + " to hold as one array; split the concept list");
        }
        NpyArray a = NpyReader.read(path);
        float[] data = t == NpyDtype.FLOAT32 ? (float[]) a.data() : a.toFloatRowMajor();
        long[] shape = a.shape();
        return DenseConceptSimilarity.of((int) shape[0], (int) shape[1], data, path.toString());
    }

    private static DenseConceptSimilarity hdf5(Path path, String dataset) throws IOException {
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(path, dataset)) {
            long rows = src.rows();
            int cols = src.features();
            if (rows * cols > Integer.MAX_VALUE - 8) {
                throw new FileFormatException(path, "similarity [" + rows + ", " + cols
                        + "] has more than 2^31 values");
            }
            int n = (int) rows;
            float[] data = new float[n * cols];
            int block = (int) Math.max(1, Math.min(cols, HDF5_BLOCK / Math.max(1, n)));
            for (int from = 0; from < cols; from += block) {
                int to = Math.min(cols, from + block);
                double[][] c = src.readColumns(from, to);
                for (int j = 0; j < c.length; j++) {
                    for (int i = 0; i < n; i++) {
                        data[i * cols + from + j] = (float) c[j][i];
                    }
                }
            }
            return DenseConceptSimilarity.of(n, cols, data, src.describe());
        }
    }
}
