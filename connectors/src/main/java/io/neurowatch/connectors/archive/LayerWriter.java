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

/**
 * One layer of the archive: its committed manifest, its buffer of not yet durable rows, and the per-partition
 * offsets it has already taken (so a replayed record is not archived twice in this layer). A flush writes the
 * buffer as the next segment file and then commits it by rewriting the manifest; the segment is durable from that
 * rename on.
 *
 * <p>Not thread-safe (driven by {@link StreamArchive}'s single writer thread).
 */
final class LayerWriter {
    private final LayerKey key;
    private final Path dir;
    private final ArchiveOptions options;
    private final SegmentBuffer buffer = new SegmentBuffer();
    /** Per partition: one past the highest offset this layer has taken, flushed or buffered. */
    private final Map<SourcePartition, Long> taken;
    private LayerManifest manifest;
    private int features;
    private int rowsPerSegment;

    LayerWriter(LayerKey key, Path dir, LayerManifest manifest, ArchiveOptions options) {
        this.key = key;
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

    int bufferedRows() {
        return buffer.size();
    }

    /** The lowest buffered offset of {@code p}, or null: those records are not durable in this layer yet. */
    Long pendingMin(SourcePartition p) {
        return buffer.pendingMin(p);
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
     * Buffers a record's rows (after {@link #admit}); flushes first if they would overflow the current segment,
     * and afterwards if the segment is full, so that a record never spans two segments.
     *
     * @return the segments written (0, 1 or 2)
     * @throws IOException if a flush fails; the record is then buffered only if the failing flush came after it
     */
    List<SegmentInfo> add(AppendBatch b, long nowMillis) throws IOException {
        List<SegmentInfo> written = new ArrayList<>(2);
        if (b.rows() == 0) {
            return written;
        }
        if (!buffer.isEmpty() && (long) buffer.size() + b.rows() > rowsPerSegment) {
            written.add(flush());
        }
        buffer.add(b, nowMillis);
        features = b.cols();
        taken.merge(b.position().sourcePartition(), b.position().offset() + 1, Math::max);
        if (buffer.size() >= rowsPerSegment) {
            written.add(flush());
        }
        return written;
    }

    /** Whether the oldest buffered row has waited at least the maximum segment age. */
    boolean isDue(long nowMillis) {
        return options.maxSegmentAge() != null && !buffer.isEmpty()
                && nowMillis - buffer.firstBufferedAt() >= options.maxSegmentAge().toMillis();
    }

    /**
     * Writes the buffer as segment {@code seg-<next_sequence>.h5}, then commits it in the manifest.
     *
     * @return the new segment, or null if nothing was buffered
     * @throws IOException if either write fails; the rows stay buffered and the sequence number is not reused
     */
    SegmentInfo flush() throws IOException {
        if (buffer.isEmpty()) {
            return null;
        }
        SegmentData data = buffer.toData();
        long seq = manifest.nextSequence();
        Path file = dir.resolve(String.format("seg-%06d.h5", seq));
        Files.createDirectories(dir);
        Hdf5WriteOptions w = options.writeOptions().withLayer(key.layer()).withModelId(key.model());
        try {
            SegmentFiles.write(file, data, w);
        } catch (IOException | RuntimeException e) {
            // A leftover file would block the name; whatever happened to it, the next try uses the next number.
            manifest = manifest.withNextSequenceAtLeast(seq + 1);
            throw e;
        }
        SegmentInfo info = new SegmentInfo(file, seq, data.size(), data.minTimestamp(), data.maxTimestamp(),
                data.offsets(), Files.size(file));
        LayerManifest next = manifest.withFeatures(features).withAppended(info);
        try {
            next.write(dir);
        } catch (IOException | RuntimeException e) {
            manifest = manifest.withNextSequenceAtLeast(seq + 1);
            // Unlisted, the file would be adopted on the next open while the rows are also still buffered here.
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        manifest = next;
        buffer.clear();
        return info;
    }
}
