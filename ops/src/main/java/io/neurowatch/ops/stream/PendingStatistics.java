package io.neurowatch.ops.stream;

import io.neurowatch.connectors.kafka.PolledRecord;
import io.neurowatch.core.state.LayerBatch;
import io.neurowatch.core.state.SourceOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Statistics of consumed records not yet written to the store, with the offsets they cover: the writer thread
 * gathers several groups of records into one {@code StatisticsStore.apply} while it is behind the stream. Nothing
 * here is durable; after a crash the records are consumed again from the stored offsets.
 *
 * <p>Not thread-safe (the analyzer's writer thread only).
 */
final class PendingStatistics {
    private final List<LayerBatch> updates = new ArrayList<>();
    private final List<SourceOffset> offsets = new ArrayList<>();
    private final List<PolledRecord> records = new ArrayList<>();
    private long values;

    /** A decoded record's statistics; {@code record} is kept for its producer timestamp (latency). */
    void add(LayerBatch update, PolledRecord record) {
        updates.add(update);
        records.add(record);
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

    List<PolledRecord> records() {
        return records;
    }

    void clear() {
        updates.clear();
        offsets.clear();
        records.clear();
        values = 0;
    }
}
