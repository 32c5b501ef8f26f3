package io.neurowatch.connectors.archive;

import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.SourcePartition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one layer appended since its last flush: the next segment's content, in memory only (not durable).
 * Inputs are validated by {@link AppendBatch} before they get here; this class copies them, except the row arrays,
 * which the caller handed over (see {@link StreamArchive#appendRows}).
 *
 * <p>Not thread-safe.
 */
final class SegmentBuffer {
    private final List<float[]> rows = new ArrayList<>();
    private long[] sampleIds = new long[256];
    private long[] timestamps = new long[256];
    private long[] labelOffsets = new long[257];
    private int[] concepts = new int[256];
    private int nnz;
    private final Map<SourcePartition, long[]> ranges = new LinkedHashMap<>();
    private long firstBufferedAt;

    int size() {
        return rows.size();
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Clock time (epoch ms) when the oldest buffered row was appended; meaningless while empty. */
    long firstBufferedAt() {
        return firstBufferedAt;
    }

    /** The lowest offset of {@code p} with buffered rows, or null if none. */
    Long pendingMin(SourcePartition p) {
        long[] r = ranges.get(p);
        return r == null ? null : r[0];
    }

    void add(AppendBatch b, long nowMillis) {
        if (rows.isEmpty()) {
            firstBufferedAt = nowMillis;
        }
        int n = b.rows();
        int base = rows.size();
        ensure(base + n, b.labelCount());
        for (int i = 0; i < n; i++) {
            rows.add(b.rowArrays()[i]);
            sampleIds[base + i] = b.sampleIds()[i];
            timestamps[base + i] = b.timestamps()[i];
            for (long k = b.labelStart(i); k < b.labelEnd(i); k++) {
                concepts[nnz++] = b.labelConcepts()[(int) k];
            }
            labelOffsets[base + i + 1] = nnz;
        }
        SourceOffset pos = b.position();
        ranges.compute(pos.sourcePartition(), (p, r) -> r == null ? new long[] {pos.offset(), pos.offset()}
                : new long[] {Math.min(r[0], pos.offset()), Math.max(r[1], pos.offset())});
    }

    /** Appends {@code later}'s rows after this buffer's (they were appended after them); {@code later} is unchanged. */
    void addAll(SegmentBuffer later) {
        if (later.isEmpty()) {
            return;
        }
        if (rows.isEmpty()) {
            firstBufferedAt = later.firstBufferedAt;
        }
        int base = rows.size();
        int n = later.size();
        ensure(base + n, later.nnz);
        rows.addAll(later.rows);
        System.arraycopy(later.sampleIds, 0, sampleIds, base, n);
        System.arraycopy(later.timestamps, 0, timestamps, base, n);
        for (int i = 0; i < n; i++) {
            labelOffsets[base + i + 1] = nnz + later.labelOffsets[i + 1];
        }
        System.arraycopy(later.concepts, 0, concepts, nnz, later.nnz);
        nnz += later.nnz;
        later.ranges.forEach((p, r) -> ranges.merge(p, r.clone(),
                (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])}));
    }

    private void ensure(int rowCount, int extraLabels) {
        if (rowCount > sampleIds.length) {
            int cap = Math.max(rowCount, sampleIds.length * 2);
            sampleIds = Arrays.copyOf(sampleIds, cap);
            timestamps = Arrays.copyOf(timestamps, cap);
            labelOffsets = Arrays.copyOf(labelOffsets, cap + 1);
        }
        if ((long) nnz + extraLabels > concepts.length) {
            long cap = Math.max((long) nnz + extraLabels, concepts.length * 2L);
            if (cap > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("more than " + (Integer.MAX_VALUE - 8) + " labels in one segment");
            }
            concepts = Arrays.copyOf(concepts, (int) cap);
        }
    }

    /** The buffered content as a segment (copies; the buffer is unchanged). */
    SegmentData toData() {
        int n = rows.size();
        List<OffsetRange> offsets = new ArrayList<>();
        for (Map.Entry<SourcePartition, long[]> e : ranges.entrySet()) {
            offsets.add(new OffsetRange(e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
        offsets.sort((a, b) -> OffsetJson.PARTITION_ORDER.compare(a.partition(), b.partition()));
        return new SegmentData(rows.toArray(new float[0][]), Arrays.copyOf(sampleIds, n),
                Arrays.copyOf(timestamps, n), Arrays.copyOf(labelOffsets, n + 1), Arrays.copyOf(concepts, nnz),
                offsets);
    }

    void clear() {
        rows.clear();
        nnz = 0;
        ranges.clear();
    }
}
