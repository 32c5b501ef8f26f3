package io.neurowatch.core.state;

/**
 * The position of one consumed record: its topic, partition and offset. Passed to
 * {@link StatisticsStore#apply} for the records whose effect the update carries.
 *
 * @param topic non-empty topic name without U+0000
 * @param partition partition number, {@code >= 0}
 * @param offset offset of the consumed record (not the next one to read), {@code >= 0}
 */
public record SourceOffset(String topic, int partition, long offset) {
    /** @throws IllegalArgumentException if the topic is empty, or the partition or offset negative */
    public SourceOffset {
        KeyCodec.requireName("topic", topic);
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException(
                    "partition and offset must be >= 0, found " + topic + "-" + partition + "@" + offset);
        }
    }

    public SourcePartition sourcePartition() {
        return new SourcePartition(topic, partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
