package io.neurowatch.connectors.archive;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link StreamArchive#open} found and repaired.
 *
 * <p>Immutable.
 *
 * @param adopted segment files that were complete, valid and newer than the manifest (a crash between writing the
 *     segment and rewriting the manifest) and were added to it
 * @param deleted segment files not listed in the manifest whose rows the archive already holds or dropped (a crash
 *     during retention, or after a failed manifest write): keeping them would duplicate rows
 * @param quarantined unlisted files that could not be read as segments, renamed to {@code <name>.rejected}
 * @param duplicates per layer, sample ids that occur more than once among the listed segments
 * @param warnings directories that are not escaped model/layer names, and similar things skipped
 */
public record ReconcileReport(List<Path> adopted, List<Path> deleted, List<Path> quarantined,
                              List<DuplicateSampleIds> duplicates, List<String> warnings) {
    public ReconcileReport {
        adopted = List.copyOf(adopted);
        deleted = List.copyOf(deleted);
        quarantined = List.copyOf(quarantined);
        duplicates = List.copyOf(duplicates);
        warnings = List.copyOf(warnings);
    }

    /** Nothing was repaired and nothing is suspicious. */
    public boolean isClean() {
        return adopted.isEmpty() && deleted.isEmpty() && quarantined.isEmpty() && duplicates.isEmpty()
                && warnings.isEmpty();
    }
}
