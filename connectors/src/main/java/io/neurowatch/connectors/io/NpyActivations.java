package io.neurowatch.connectors.io;

import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.InMemoryActivations;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads an activation matrix from an NPY file into memory: float32 or float64, shape {@code [N]} (one unit) or
 * {@code [N, D]}. float32 data keeps {@link ActivationSource#float32()} true so reference-compatible arithmetic can
 * be applied; float64 data is used as is.
 *
 * <p>Stateless and thread-safe; the returned source is not (see {@link ActivationSource}).
 */
public final class NpyActivations {
    private NpyActivations() {
    }

    /**
     * @throws FileFormatException naming the file and the found dtype and shape if it is not float32/float64 of rank
     *     1 or 2, or for any NPY format problem (see {@link NpyReader})
     * @throws IOException if the file cannot be read
     */
    public static InMemoryActivations open(Path file) throws IOException {
        NpyHeader h = NpyReader.readHeader(file);
        boolean floating = h.dtype() == NpyDtype.FLOAT32 || h.dtype() == NpyDtype.FLOAT64;
        if (!floating || h.ndim() < 1 || h.ndim() > 2) {
            throw new FileFormatException(file, "activations must be float32 or float64 with shape [N] or [N, D];"
                    + " found " + h.describe());
        }
        long[] shape = h.shape();
        long rows = shape[0];
        long cols = h.ndim() == 2 ? shape[1] : 1;
        if (h.size() > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(file, "activations " + h.describe()
                    + " are too large to hold in memory; convert them to an HDF5 store (Hdf5ActivationWriter)");
        }
        NpyArray a = NpyReader.read(file);
        String origin = file.toString();
        if (a.dtype() == NpyDtype.FLOAT32) {
            return InMemoryActivations.ofFloats((int) rows, (int) cols, (float[]) a.data(), origin);
        }
        return InMemoryActivations.wrap((int) rows, (int) cols, (double[]) a.data(), origin);
    }
}
