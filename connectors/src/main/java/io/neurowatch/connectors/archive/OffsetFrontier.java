package io.neurowatch.connectors.archive;

import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.SourcePartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes, per source partition, the offset below which every record is durably archived in every layer it had
 * rows for. A record's rows for different layers arrive in separate appends, so the archive cannot tell when a
 * record is finished; it assumes (the caller's contract) that records of a partition arrive in offset order, all
 * appends of one record before the next record, and that {@link StreamArchive#flush()},
 * {@link StreamArchive#flushIfDue} and {@link StreamArchive#close()} are called between records. Hence the frontier
 * of a partition is the smaller of
 * <ul>
 *   <li>the highest offset seen, plus one only once a record boundary was declared after it (the newest record may
 *       still have appends to come), and</li>
 *   <li>the lowest offset still buffered in any layer,</li>
 * </ul>
 * and never less than the frontier already stored. It only grows: new records have higher offsets than any seen.
 *
 * <p>Not thread-safe.
 */
final class OffsetFrontier {
    private final Map<SourcePartition, Long> durable = new TreeMap<>(OffsetJson.PARTITION_ORDER);
    private final Map<SourcePartition, Long> maxSeen = new HashMap<>();
    private final Set<SourcePartition> newestComplete = new HashSet<>();

    OffsetFrontier(Map<SourcePartition, Long> stored) {
        durable.putAll(stored);
    }

    /** The frontier as last stored. */
    Map<SourcePartition, Long> durable() {
        Map<SourcePartition, Long> copy = new TreeMap<>(OffsetJson.PARTITION_ORDER);
        copy.putAll(durable);
        return java.util.Collections.unmodifiableMap(copy);
    }

    /** Whether the record lies below the stored frontier: all its rows are archived already. */
    boolean isArchived(SourceOffset pos) {
        return pos.offset() < durable.getOrDefault(pos.sourcePartition(), 0L);
    }

    /** A record at or after the stored frontier is being appended (possibly one of several appends). */
    void noteRecord(SourceOffset pos) {
        SourcePartition p = pos.sourcePartition();
        Long seen = maxSeen.get(p);
        if (seen == null || pos.offset() > seen) {
            maxSeen.put(p, pos.offset());
            newestComplete.remove(p);
        }
    }

    /** The caller is between records: every record seen so far has had all its appends. */
    void markBoundary() {
        newestComplete.addAll(maxSeen.keySet());
    }

    /** The frontier now, given the layers' buffers. */
    Map<SourcePartition, Long> compute(Collection<LayerWriter> layers) {
        Map<SourcePartition, Long> out = new TreeMap<>(OffsetJson.PARTITION_ORDER);
        out.putAll(durable);
        for (Map.Entry<SourcePartition, Long> e : maxSeen.entrySet()) {
            SourcePartition p = e.getKey();
            long f = newestComplete.contains(p) ? e.getValue() + 1 : e.getValue();
            for (LayerWriter w : layers) {
                Long pending = w.pendingMin(p);
                if (pending != null) {
                    f = Math.min(f, pending);
                }
            }
            out.merge(p, f, Math::max);
        }
        return out;
    }

    /** Records that {@code stored} has been written as the new frontier. */
    void stored(Map<SourcePartition, Long> stored) {
        durable.clear();
        durable.putAll(stored);
    }
}
