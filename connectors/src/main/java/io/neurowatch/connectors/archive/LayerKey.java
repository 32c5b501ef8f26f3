package io.neurowatch.connectors.archive;

import java.nio.file.Path;

/**
 * One archived (model, layer) pair. The names are the ones the producer uses; {@link #directory} is where the pair's
 * segments live, with both names escaped by {@link ArchiveNames}.
 *
 * <p>Immutable.
 *
 * @param model model id, non-empty
 * @param layer layer name, non-empty
 */
public record LayerKey(String model, String layer) {
    /** @throws IllegalArgumentException if a name is empty or too long for a directory name */
    public LayerKey {
        ArchiveNames.encode("model", model);
        ArchiveNames.encode("layer", layer);
    }

    /** {@code <root>/<escaped model>/<escaped layer>}. */
    public Path directory(Path root) {
        return root.resolve(ArchiveNames.encode("model", model)).resolve(ArchiveNames.encode("layer", layer));
    }

    /** For messages: {@code model 'm' layer 'l'}. */
    @Override
    public String toString() {
        return "model '" + model + "' layer '" + layer + "'";
    }
}
