package io.neurowatch.connectors.kafka;

import java.util.concurrent.atomic.AtomicLong;

/** The counters behind {@link KafkaSourceStats}; thread-safe, shared by all subscriptions of one source. */
final class SourceCounters {
    final AtomicLong polled = new AtomicLong();
    final AtomicLong emitted = new AtomicLong();
    final AtomicLong pauses = new AtomicLong();
    final AtomicLong bytePauses = new AtomicLong();
    final AtomicLong resumes = new AtomicLong();
    final AtomicLong assignments = new AtomicLong();
    final AtomicLong droppedOnRevoke = new AtomicLong();
    final AtomicLong skippedDuplicates = new AtomicLong();
    final AtomicLong maxPendingBytes = new AtomicLong();

    KafkaSourceStats snapshot(PendingRecords pending) {
        long pendingRecords = pending == null ? 0 : pending.size();
        long pendingBytes = pending == null ? 0 : pending.bytes();
        long maxPending = Math.max(maxPendingBytes.get(), pending == null ? 0 : pending.maxBytes());
        return new KafkaSourceStats(polled.get(), emitted.get(), pauses.get(), bytePauses.get(), resumes.get(),
                assignments.get(), droppedOnRevoke.get(), skippedDuplicates.get(), pendingRecords, pendingBytes,
                maxPending);
    }
}
