package io.neurowatch.connectors.kafka;

/**
 * Decides whether the polling thread may fetch more records, from what the source already holds and what the
 * subscriber still wants. Pure and thread-safe; the polling thread applies the decision with pause/resume, and emitting
 * threads use it to tell whether a paused poller should be woken.
 */
final class FetchGate {

    enum Decision {
        FETCH,
        /** Records already held cover every outstanding request (or there is none). */
        PAUSE_FOR_DEMAND,
        /** Records already held reach {@link KafkaSourceOptions#maxBytesInFlight()}. */
        PAUSE_FOR_BYTES
    }

    private final long maxBytesInFlight;

    FetchGate(long maxBytesInFlight) {
        if (maxBytesInFlight <= 0) {
            throw new IllegalArgumentException("maxBytesInFlight must be > 0, was " + maxBytesInFlight);
        }
        this.maxBytesInFlight = maxBytesInFlight;
    }

    /**
     * @param pendingRecords records fetched but not yet emitted
     * @param pendingBytes their {@link PolledRecord#sizeInBytes()} summed
     * @param requested outstanding demand of the subscriber ({@link Long#MAX_VALUE} for unbounded)
     */
    Decision decide(long pendingRecords, long pendingBytes, long requested) {
        if (pendingBytes >= maxBytesInFlight) {
            return Decision.PAUSE_FOR_BYTES;
        }
        // Held records will be emitted against the outstanding demand first; fetch only for what is left over.
        return pendingRecords < requested ? Decision.FETCH : Decision.PAUSE_FOR_DEMAND;
    }
}
