package io.neurowatch.connectors.kafka;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Records the polling thread fetched and the subscriber has not been handed yet, with their count and bytes.
 *
 * <p>Thread-safe: the polling thread adds and drops, any emitting thread takes. A lock rather than a lock-free queue
 * because dropping a revoked partition must adjust the byte count exactly once per record, and the critical sections
 * are a few pointer moves. {@link #size()} and {@link #bytes()} read without the lock.
 */
final class PendingRecords {
    private final ArrayDeque<PolledRecord> queue = new ArrayDeque<>();
    private volatile long size;
    private volatile long bytes;
    private volatile long maxBytes;

    void addAll(ConsumerRecords<byte[], byte[]> records) {
        synchronized (queue) {
            long added = 0;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                PolledRecord p = PolledRecord.wrap(r);
                queue.add(p);
                added += p.sizeInBytes();
            }
            size = queue.size();
            bytes += added;
            maxBytes = Math.max(maxBytes, bytes);
        }
    }

    /** The oldest record, or null if none is held. */
    PolledRecord poll() {
        synchronized (queue) {
            PolledRecord p = queue.poll();
            if (p != null) {
                size = queue.size();
                bytes -= p.sizeInBytes();
            }
            return p;
        }
    }

    /** Drops every held record of the given partitions; returns how many were dropped. */
    int removePartitions(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return 0;
        }
        synchronized (queue) {
            int removed = 0;
            for (Iterator<PolledRecord> it = queue.iterator(); it.hasNext(); ) {
                PolledRecord p = it.next();
                if (partitions.contains(p.topicPartition())) {
                    it.remove();
                    bytes -= p.sizeInBytes();
                    removed++;
                }
            }
            size = queue.size();
            return removed;
        }
    }

    void clear() {
        synchronized (queue) {
            queue.clear();
            size = 0;
            bytes = 0;
        }
    }

    long size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    /** The most bytes held at once since creation. */
    long maxBytes() {
        return maxBytes;
    }
}
