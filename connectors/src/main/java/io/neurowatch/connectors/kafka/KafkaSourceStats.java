package io.neurowatch.connectors.kafka;

/**
 * A snapshot of one {@link KafkaRecordSource}'s counters since it was created (over all its subscriptions).
 *
 * @param polledRecords records returned by {@code poll}
 * @param emittedRecords records handed to the subscriber
 * @param pauseEvents times the source paused its assigned partitions because the subscriber was not keeping up
 *     (either cause below)
 * @param bytePauseEvents those of {@code pauseEvents} caused by {@link KafkaSourceOptions#maxBytesInFlight()} rather
 *     than by exhausted demand
 * @param resumeEvents times it resumed them
 * @param assignments rebalances that assigned partitions to this source
 * @param droppedOnRevoke fetched records dropped unemitted because their partition was revoked (they are fetched again
 *     by whoever gets the partition)
 * @param skippedDuplicates records skipped because the same subscription had already received their offset (after a
 *     rebalance, or a start-offset function pointing backwards)
 * @param pendingRecords records fetched and not yet emitted, now
 * @param pendingBytes their bytes, now
 * @param maxPendingBytes the most bytes held unemitted at once
 */
public record KafkaSourceStats(long polledRecords, long emittedRecords, long pauseEvents, long bytePauseEvents,
                               long resumeEvents, long assignments, long droppedOnRevoke, long skippedDuplicates,
                               long pendingRecords, long pendingBytes, long maxPendingBytes) {
}
