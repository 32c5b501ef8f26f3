package io.neurowatch.connectors.archive;

import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.LabelMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The rows of a layer that a labelling run sees: activations (read column block by column block from the segment
 * files), the matching labels, sample ids and timestamps; row i of each describes the same sample. Created by
 * {@link StreamArchive#window}; independent of the archive afterwards, so it may be handed to another thread.
 * The segments it uses stay on disk until it is closed, even if retention drops them meanwhile.
 *
 * <p>Not thread-safe: one thread reads it at a time; {@link #close()} may be called from any thread and is
 * idempotent. Reads of {@link #activations()} block on disk I/O and throw {@link IOException} naming the file.
 */
public final class ArchiveWindow implements AutoCloseable {
    private final LayerKey layer;
    private final ActivationSource activations;
    private final LabelMatrix labels;
    private final long[] sampleIds;
    private final long[] timestamps;
    private final List<Path> segments;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    ArchiveWindow(LayerKey layer, ActivationSource activations, LabelMatrix labels, long[] sampleIds,
                  long[] timestamps, List<Path> segments, Runnable release) {
        this.layer = layer;
        this.activations = activations;
        this.labels = labels;
        this.sampleIds = sampleIds;
        this.timestamps = timestamps;
        this.segments = List.copyOf(segments);
        this.release = release;
    }

    public LayerKey layer() {
        return layer;
    }

    /** Number of samples in the window. */
    public int rows() {
        return sampleIds.length;
    }

    /**
     * The window's activations, [rows, D] (D is 0 for a layer that has never been flushed). Owned by the window:
     * do not close it separately.
     */
    public ActivationSource activations() {
        return activations;
    }

    /** Labels [rows, C] for the concept count the window was opened with. Immutable. */
    public LabelMatrix labels() {
        return labels;
    }

    /** Sample id of each row (a copy). */
    public long[] sampleIds() {
        return sampleIds.clone();
    }

    /** Timestamp (epoch ms) of each row (a copy). */
    public long[] timestamps() {
        return timestamps.clone();
    }

    /** The segment files the window reads, in order (the first may be used from a row inside it). */
    public List<Path> segments() {
        return segments;
    }

    /** Closes the activation files and releases the segments to retention. Idempotent, any thread. */
    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            try {
                activations.close();
            } finally {
                release.run();
            }
        }
    }
}
