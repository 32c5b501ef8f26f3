package io.neurowatch.connectors.archive;

import io.neurowatch.connectors.io.Hdf5ActivationWriter;
import io.neurowatch.connectors.io.Hdf5WriteOptions;
import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.SourcePartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One layer of the archive: its committed manifest, its buffer of not yet durable rows, and the per-partition
 * offsets it has already taken (so a replayed record is not archived twice in this layer). A full buffer is
 * written as the next segment file on the archive's segment writer thread while appends go on into a fresh
 * buffer; the caller's thread then commits it by rewriting the manifest, and the segment is durable from that
 * rename on. Encoding and forcing a 64 MiB segment to disk takes hundreds of milliseconds that ingestion would
 * otherwise wait for.
 *
 * <p>Not thread-safe (driven by {@link StreamArchive}'s single writer thread); the segment writer thread only
 * writes the file of an {@link InFlight} snapshot and touches nothing else.
 */
final class LayerWriter {
    private final LayerKey key;
    private final Path dir;
    private final ArchiveOptions options;
    private final ExecutorService segmentWriter;
    private SegmentBuffer buffer = new SegmentBuffer();
    /** The previous buffer while the segment writer thread writes it; null when no write is in flight. */
    private InFlight inFlight;
    /** Per partition: one past the highest offset this layer has taken, flushed or buffered. */
    private final Map<SourcePartition, Long> taken;
    private LayerManifest manifest;
    private int features;
    private int rowsPerSegment;

    /** A buffer being written as segment {@code seq}; its rows are not durable until {@link #settle} commits it. */
    private record InFlight(SegmentBuffer rows, SegmentData data, long seq, Path file, Future<?> write) {
    }

    /** @param segmentWriter the thread that writes segment files (shared by the archive's layers) */
    LayerWriter(LayerKey key, Path dir, LayerManifest manifest, ArchiveOptions options,
                ExecutorService segmentWriter) {
        this.key = key;
        this.segmentWriter = segmentWriter;
        this.dir = dir;
        this.options = options;
        this.manifest = manifest;
        this.features = manifest.features();
        this.taken = new HashMap<>(manifest.nextOffsets());
    }

    LayerKey key() {
        return key;
    }

    Path directory() {
        return dir;
    }

    LayerManifest manifest() {
        return manifest;
    }

    /** Replaces the committed manifest after retention rewrote it. */
    void replaceManifest(LayerManifest m) {
        manifest = m;
    }

    /** D, or 0 while unknown. */
    int features() {
        return features;
    }

    /** Rows not durable yet: buffered, or in a segment still being written. */
    int bufferedRows() {
        return buffer.size() + (inFlight == null ? 0 : inFlight.rows().size());
    }

    /**
     * The lowest offset of {@code p} with rows buffered or in a segment still being written, or null: those
     * records are not durable in this layer yet.
     */
    Long pendingMin(SourcePartition p) {
        Long buffered = buffer.pendingMin(p);
        Long writing = inFlight == null ? null : inFlight.rows().pendingMin(p);
        if (buffered == null || writing == null) {
            return buffered == null ? writing : buffered;
        }
        return Math.min(buffered, writing);
    }

    /** Whether this layer already took (flushed or buffered) the record at {@code pos}. */
    boolean alreadyTaken(SourceOffset pos) {
        return pos.offset() < taken.getOrDefault(pos.sourcePartition(), 0L);
    }

    /**
     * Checks D and the record's size before anything is buffered.
     *
     * @throws IllegalArgumentException if D differs from the layer's, or the record alone exceeds a segment
     */
    void admit(AppendBatch b) {
        if (b.rows() == 0) {
            return;
        }
        if (features > 0 && b.cols() != features) {
            throw new IllegalArgumentException(key + ": record " + b.position() + " has D = " + b.cols()
                    + " features per row but the layer's archive " + dir + " has D = " + features
                    + "; D cannot change within a layer");
        }
        long maxRows = Hdf5ActivationWriter.MAX_BYTES / ((long) b.cols() * Float.BYTES);
        if (b.rows() > maxRows) {
            throw new IllegalArgumentException(key + ": record " + b.position() + " has " + b.rows() + " rows of D = "
                    + b.cols() + ", more than the " + maxRows + " a segment can hold (jhdf writes at most 2 GiB)");
        }
        if (rowsPerSegment == 0) {
            rowsPerSegment = resolveRowsPerSegment(b.cols(), maxRows);
        }
    }

    private int resolveRowsPerSegment(int d, long maxRows) {
        if (options.rowsPerSegment() == 0) {
            return (int) Math.max(1, Math.min(maxRows, ArchiveOptions.AUTO_SEGMENT_BYTES / ((long) d * Float.BYTES)));
        }
        if (options.rowsPerSegment() > maxRows) {
            throw new IllegalArgumentException(key + ": " + options.rowsPerSegment() + " rows per segment of D = " + d
                    + " exceed the 2 GiB jhdf can write; use at most " + maxRows);
        }
        return options.rowsPerSegment();
    }

    /**
     * Buffers a record's rows (after {@link #admit}). A buffer that the record would overflow, or that the record
     * fills, starts writing as the next segment in the background, so that a record never spans two segments;
     * segments whose background write has finished are committed first.
     *
     * @return the segments committed (usually none; at most two)
     * @throws IOException if a segment write or commit fails; the rows stay buffered (see {@link #settle})
     */
    List<SegmentInfo> add(AppendBatch b, long nowMillis) throws IOException {
        List<SegmentInfo> committed = new ArrayList<>(2);
        settleIfDone(committed);
        if (b.rows() == 0) {
            return committed;
        }
        if (!buffer.isEmpty() && (long) buffer.size() + b.rows() > rowsPerSegment) {
            startWrite(committed);
        }
        buffer.add(b, nowMillis);
        features = b.cols();
        taken.merge(b.position().sourcePartition(), b.position().offset() + 1, Math::max);
        if (buffer.size() >= rowsPerSegment) {
            startWrite(committed);
        }
        return committed;
    }

    /** Whether the oldest buffered row has waited at least the maximum segment age. */
    boolean isDue(long nowMillis) {
        return options.maxSegmentAge() != null && !buffer.isEmpty()
                && nowMillis - buffer.firstBufferedAt() >= options.maxSegmentAge().toMillis();
    }

    /**
     * Makes everything buffered durable now: waits for the segment being written, commits it, then writes and
     * commits the buffer as the next segment.
     *
     * @return the segments committed, oldest first (empty if nothing was buffered)
     * @throws IOException if a write or commit fails; the rows stay buffered and no sequence number is reused
     */
    List<SegmentInfo> flush() throws IOException {
        List<SegmentInfo> committed = new ArrayList<>(2);
        settle(committed);
        if (buffer.isEmpty()) {
            return committed;
        }
        startWrite(committed);
        settle(committed);
        return committed;
    }

    /** Waits for the background write, if any, and commits it. */
    void settleWrite(List<SegmentInfo> committed) throws IOException {
        settle(committed);
    }

    /** Commits the background write if it has finished; never waits. */
    void settleIfDone(List<SegmentInfo> committed) throws IOException {
        if (inFlight != null && inFlight.write().isDone()) {
            settle(committed);
        }
    }

    /**
     * Hands the buffer to the segment writer thread as segment {@code seg-<next_sequence>.h5} and starts a new
     * buffer. Waits for (and commits) this layer's previous write first: one write in flight per layer bounds the
     * memory to two segments' rows, and keeps segments committed in sequence order.
     */
    private void startWrite(List<SegmentInfo> committed) throws IOException {
        settle(committed);
        SegmentData data = buffer.toData();
        long seq = manifest.nextSequence();
        Path file = dir.resolve(String.format("seg-%06d.h5", seq));
        Files.createDirectories(dir);
        Hdf5WriteOptions w = options.writeOptions().withLayer(key.layer()).withModelId(key.model());
        Future<?> write = segmentWriter.submit(() -> {
            SegmentFiles.write(file, data, w);
            return null;
        });
        inFlight = new InFlight(buffer, data, seq, file, write);
        buffer = new SegmentBuffer();
    }

    /**
     * Waits for the segment in flight, if any, and commits it by rewriting the manifest; the segment is durable
     * from then on. If the write or the commit failed, its rows go back in front of the buffer (a leftover file
     * is deleted, and its sequence number is never reused) and the failure is thrown.
     */
    private void settle(List<SegmentInfo> committed) throws IOException {
        InFlight f = inFlight;
        if (f == null) {
            return;
        }
        inFlight = null;
        try {
            awaitUninterruptibly(f.write());
            SegmentData data = f.data();
            LayerManifest next;
            SegmentInfo info;
            try {
                info = new SegmentInfo(f.file(), f.seq(), data.size(), data.minTimestamp(), data.maxTimestamp(),
                        data.offsets(), Files.size(f.file()));
                next = manifest.withFeatures(features).withAppended(info);
                next.write(dir);
            } catch (IOException | RuntimeException e) {
                // Unlisted, the file would be adopted on the next open while its rows are also buffered again.
                try {
                    Files.deleteIfExists(f.file());
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            manifest = next;
            committed.add(info);
        } catch (IOException | RuntimeException e) {
            manifest = manifest.withNextSequenceAtLeast(f.seq() + 1);
            f.rows().addAll(buffer);
            buffer = f.rows();
            throw e;
        }
    }

    /** Waits for a background write; rethrows its failure as it was thrown. */
    private static void awaitUninterruptibly(Future<?> write) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    write.get();
                    return;
                } catch (InterruptedException e) {
                    // The rows are committed or restored whatever happens; the interrupt is passed on after.
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IOException("segment write failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
