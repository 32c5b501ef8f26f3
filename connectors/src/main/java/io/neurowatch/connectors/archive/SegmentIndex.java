package io.neurowatch.connectors.archive;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything of a segment file except the activations: what windows, reconciliation and duplicate checks need.
 * Read by {@link SegmentFiles#readIndex}; arrays are owned by the instance and must not be modified.
 *
 * @param labelConcepts exactly {@code labelOffsets[rows]} concept indices (padding removed)
 * @param model the {@code model_id} attribute of {@code Y}, or null
 * @param layer the {@code layer} attribute of {@code Y}, or null
 */
record SegmentIndex(Path file, int rows, int features, long[] sampleIds, long[] timestamps, long[] labelOffsets,
                    int[] labelConcepts, List<OffsetRange> offsets, String model, String layer) {
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
