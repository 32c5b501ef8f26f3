package io.neurowatch.connectors.archive;

import java.util.List;

/**
 * The content of one segment as written: rows of {@code Y} and, per row, sample id, timestamp and concept labels
 * in CSR form, plus the source offsets the rows came from. Arrays are owned by the instance (not copied: it only
 * travels from {@link SegmentBuffer} to {@link SegmentFiles}).
 *
 * @param rows n rows of D floats
 * @param labelOffsets n + 1 non-decreasing offsets into {@code labelConcepts}, starting at 0; row i's concepts are
 *     {@code labelConcepts[labelOffsets[i] .. labelOffsets[i+1])}
 * @param labelConcepts concept indices, exactly {@code labelOffsets[n]} of them
 */
record SegmentData(float[][] rows, long[] sampleIds, long[] timestamps, long[] labelOffsets, int[] labelConcepts,
                   List<OffsetRange> offsets) {
    int size() {
        return rows.length;
    }

    long minTimestamp() {
        long m = Long.MAX_VALUE;
        for (long t : timestamps) {
            m = Math.min(m, t);
        }
        return m;
    }

    long maxTimestamp() {
        long m = Long.MIN_VALUE;
        for (long t : timestamps) {
            m = Math.max(m, t);
        }
        return m;
    }
}
