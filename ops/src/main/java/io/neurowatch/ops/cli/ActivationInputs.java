package io.neurowatch.ops.cli;

import io.neurowatch.connectors.io.Hdf5ActivationSource;
import io.neurowatch.connectors.io.NpyActivations;
import io.neurowatch.core.ActivationSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Opens an activation table by what the path is: an {@code .npy} file, an HDF5 file, or a segment directory. */
final class ActivationInputs {
    private ActivationInputs() {
    }

    static ActivationSource open(Path path, String dataset) throws IOException {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("activations " + path + ": no such file or directory");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isDirectory(path) && name.endsWith(".npy")) {
            return NpyActivations.open(path);
        }
        return Hdf5ActivationSource.open(path, dataset);
    }
}
