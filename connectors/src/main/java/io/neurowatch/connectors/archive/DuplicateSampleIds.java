package io.neurowatch.connectors.archive;

import java.nio.file.Path;
import java.util.List;

/**
 * Sample ids found more than once among a layer's segments when the archive was opened. The archive never writes
 * them itself (a record's rows are taken once per layer); they come from a producer that reused ids or from files
 * placed by hand. They are reported, not removed.
 *
 * <p>Immutable.
 *
 * @param duplicatedIds how many distinct ids occur more than once
 * @param examples up to 10 of them, ascending
 * @param files the segments holding the examples
 */
public record DuplicateSampleIds(LayerKey layer, long duplicatedIds, List<Long> examples, List<Path> files) {
    public DuplicateSampleIds {
        examples = List.copyOf(examples);
        files = List.copyOf(files);
    }
}
