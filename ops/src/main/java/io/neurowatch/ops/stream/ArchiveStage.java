package io.neurowatch.ops.stream;

import io.neurowatch.connectors.archive.ArchiveWindow;
import io.neurowatch.connectors.archive.LayerSummary;
import io.neurowatch.connectors.archive.StreamArchive;
import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.SourcePartition;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ConceptLabels;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HDF5 archive of one task's layers: every accepted sample once, in segments under the task's state folder, with
 * the source offsets each segment covers. A record the archive already holds (a replay) is ignored, so the archive
 * needs no transaction: after any crash, replaying from its own offsets restores it exactly.
 *
 * <p>Not thread-safe (the task's thread); label runs read the windows it opens on another thread.
 */
final class ArchiveStage implements AutoCloseable {
    /** A pseudo layer that advances the archive's offsets for records that produced no rows (dead letters). */
    static final String NO_ROWS_MODEL = "_nw";
    static final String NO_ROWS_LAYER = "_skipped";

    private final ArchiveSettings settings;
    private final StreamArchive archive;

    private ArchiveStage(ArchiveSettings settings, StreamArchive archive) {
        this.settings = settings;
        this.archive = archive;
    }

    /** @throws IOException naming the path if the archive cannot be opened or reconciled */
    static ArchiveStage open(Path dir, ArchiveSettings settings) throws IOException {
        return new ArchiveStage(settings, StreamArchive.open(dir, settings.options()));
    }

    /** @return true if the rows were archived now, false if the archive already held the record */
    boolean apply(ActivationBatch b, float[][] rows, SourceOffset pos) throws IOException {
        long[] offsets = null;
        int[] concepts = null;
        ConceptLabels labels = b.labels();
        if (labels != null) {
            int[] o = labels.offsets();
            offsets = new long[o.length];
            for (int i = 0; i < o.length; i++) {
                offsets[i] = o[i];
            }
            concepts = labels.conceptIds();
        }
        return archive.appendRows(b.modelId(), b.layer(), b.sampleIds(), b.timestampsMillis(), b.features(), rows,
                offsets, concepts, pos);
    }

    /** Advances the offsets past a record that produced no rows (a dead letter). */
    void skip(SourceOffset pos) throws IOException {
        archive.append(NO_ROWS_MODEL, NO_ROWS_LAYER, new long[0], new long[0], 0, 0, new float[0], null, null, pos);
    }

    /** The D the archive holds for a layer, 0 for one it has not seen. */
    int features(String model, String layer) {
        return archive.features(model, layer);
    }

    /** Segments due by age are written (a quiet stream becomes durable and labellable), then retention applies. */
    void tick(Instant now) throws IOException {
        archive.flushIfDue(now);
        if (settings.retention() != null) {
            archive.applyRetention(settings.retention());
        }
    }

    /** Writes every buffered row (before a label run opens its windows, and before a commit point). */
    void flush() throws IOException {
        archive.flush();
    }

    /** Per partition, the first offset not yet in a durable segment. */
    Map<SourcePartition, Long> durableOffsets() {
        return archive.archivedOffsets();
    }

    /**
     * A window over every layer with rows, over flushed segments: safe to read on another thread while this one
     * appends. The caller closes them.
     *
     * @param concepts the configured concept set (C for the label matrix), or null to take C from the labels
     */
    List<ArchiveWindow> windows(LabelSettings labels, ConceptSet concepts) throws IOException {
        List<ArchiveWindow> windows = new ArrayList<>();
        try {
            for (LayerSummary s : archive.layers()) {
                if (s.layer().model().equals(NO_ROWS_MODEL) || s.rows() == 0) {
                    continue;
                }
                // Without a concept set, C comes from the window's own labels: so also right after a restore.
                int c = concepts != null ? concepts.size() : StreamArchive.CONCEPTS_FROM_LABELS;
                windows.add(archive.window(s.layer().model(), s.layer().layer(), labels.window(), c));
            }
            return windows;
        } catch (IOException | RuntimeException e) {
            for (ArchiveWindow w : windows) {
                try {
                    w.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    StreamArchive archive() {
        return archive;
    }

    long bytesOnDisk() {
        return archive.bytesOnDisk();
    }

    @Override
    public void close() throws IOException {
        archive.close();
    }
}
