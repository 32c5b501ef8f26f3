package io.neurowatch.core.state;

/**
 * A partition of a source topic, the unit that consumed offsets are tracked for. Kafka-free on purpose:
 * {@code stream-core} does not depend on the Kafka client; connectors map it to {@code TopicPartition}.
 *
 * @param topic non-empty topic name without U+0000
 * @param partition partition number, {@code >= 0}
 */
public record SourcePartition(String topic, int partition) {
    /** @throws IllegalArgumentException if the topic is empty or the partition negative */
    public SourcePartition {
        KeyCodec.requireName("topic", topic);
        if (partition < 0) {
            throw new IllegalArgumentException("partition of topic '" + topic + "' is negative: " + partition);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
