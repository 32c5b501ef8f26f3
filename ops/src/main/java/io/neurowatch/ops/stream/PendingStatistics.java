package io.neurowatch.ops.stream;

import io.neurowatch.core.state.LayerBatch;
import io.neurowatch.core.state.SourceOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Statistics of consumed records not yet written to the store, with the offsets they cover: a task gathers several
 * records into one {@code StatisticsStore.apply} while it is behind the stream. Nothing here is durable; after a
 * crash the records are replayed from the stored offsets.
 *
 * <p>Not thread-safe (the task's thread).
 */
final class PendingStatistics {
    private final List<LayerBatch> updates = new ArrayList<>();
    private final List<SourceOffset> offsets = new ArrayList<>();
    private final List<Long> recordTimestamps = new ArrayList<>();
    private long values;

    /** A decoded record's statistics; its Kafka timestamp is kept for the latency metric. */
    void add(LayerBatch update, long recordTimestamp) {
        updates.add(update);
        recordTimestamps.add(recordTimestamp);
        values += (long) update.rows() * update.neurons();
    }

    /** A labels-only update (annotations joined to a record's rows), written with that record's offset. */
    void addLabels(LayerBatch update) {
        updates.add(update);
    }

    /** A consumed record whose offset the next write must carry (with or without statistics: dead letters). */
    void consumed(SourceOffset offset) {
        offsets.add(offset);
    }

    boolean isEmpty() {
        return offsets.isEmpty();
    }

    /** Activation values pending: what the next write will feed to the sketches. */
    long values() {
        return values;
    }

    List<LayerBatch> updates() {
        return updates;
    }

    List<SourceOffset> offsets() {
        return offsets;
    }

    List<Long> recordTimestamps() {
        return recordTimestamps;
    }

    void clear() {
        updates.clear();
        offsets.clear();
        recordTimestamps.clear();
        values = 0;
    }
}
