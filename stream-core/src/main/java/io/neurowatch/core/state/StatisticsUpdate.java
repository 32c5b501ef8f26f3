package io.neurowatch.core.state;

import java.util.List;

/**
 * Everything one step of the pipeline adds to the statistics: the layer batches decoded from the consumed
 * records. {@link StatisticsStore#apply} writes it together with those records' offsets, atomically.
 * Immutable; thread-safe.
 */
public final class StatisticsUpdate {
    private static final StatisticsUpdate EMPTY = new StatisticsUpdate(List.of());

    private final List<LayerBatch> batches;

    private StatisticsUpdate(List<LayerBatch> batches) {
        this.batches = batches;
    }

    /** @throws NullPointerException if the list or an element is null */
    public static StatisticsUpdate of(List<LayerBatch> batches) {
        return new StatisticsUpdate(List.copyOf(batches));
    }

    public static StatisticsUpdate of(LayerBatch... batches) {
        return of(List.of(batches));
    }

    /** No statistics: records that only advance the offsets (skipped or filtered records). */
    public static StatisticsUpdate empty() {
        return EMPTY;
    }

    public List<LayerBatch> batches() {
        return batches;
    }

    /** Total number of samples over all batches. */
    public long rows() {
        long n = 0;
        for (LayerBatch b : batches) {
            n += b.rows();
        }
        return n;
    }

    @Override
    public String toString() {
        return "StatisticsUpdate" + batches;
    }
}
