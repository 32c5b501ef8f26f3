package io.neurowatch.connectors.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A topic to create: name, partitions, replication and topic-level configs. Immutable; {@code with*} returns a copy.
 *
 * @param replicationFactor {@link #BROKER_DEFAULT_REPLICATION} to use the broker's {@code default.replication.factor}
 * @param configs topic configs such as {@code cleanup.policy} or {@code retention.ms}, passed to Kafka unchanged
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public static final short BROKER_DEFAULT_REPLICATION = -1;

    /**
     * @throws IllegalArgumentException for a blank name, fewer than one partition, or a replication factor below one
     *     other than {@link #BROKER_DEFAULT_REPLICATION}
     */
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic " + name + " needs at least one partition, was " + partitions);
        }
        if (replicationFactor < 1 && replicationFactor != BROKER_DEFAULT_REPLICATION) {
            throw new IllegalArgumentException(
                    "Topic " + name + " replication factor must be >= 1, was " + replicationFactor);
        }
        configs = Map.copyOf(configs);
    }

    /** A topic with {@code partitions} partitions, the broker's default replication and no config overrides. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, BROKER_DEFAULT_REPLICATION, Map.of());
    }

    public TopicSpec withReplicationFactor(short replicationFactor) {
        return new TopicSpec(name, partitions, replicationFactor, configs);
    }

    public TopicSpec withConfig(String key, String value) {
        Map<String, String> c = new LinkedHashMap<>(configs);
        c.put(key, value);
        return new TopicSpec(name, partitions, replicationFactor, c);
    }

    /** {@code cleanup.policy=compact}: Kafka keeps the latest value per key, e.g. for a labels topic. */
    public TopicSpec compacted() {
        return withConfig(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /** {@code retention.ms}: how long records are kept before deletion. */
    public TopicSpec withRetention(Duration retention) {
        return withConfig(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }

    NewTopic toNewTopic() {
        Optional<Short> rf = replicationFactor == BROKER_DEFAULT_REPLICATION ? Optional.empty()
                : Optional.of(replicationFactor);
        return new NewTopic(name, Optional.of(partitions), rf).configs(configs);
    }
}
