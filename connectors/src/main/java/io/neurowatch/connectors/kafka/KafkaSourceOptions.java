package io.neurowatch.connectors.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Settings of one {@link KafkaRecordSource}: the Kafka consumer's properties, the subscribed topics, where to start on
 * assignment and the backpressure bound. Immutable and copy-on-write: every {@code with*} returns a new options
 * object, so one can serve as a template.
 *
 * <p>Consumer properties, lowest precedence first: {@link #DEFAULT_CONSUMER_PROPERTIES}, then every key the caller
 * gives (any Kafka consumer property passes through unchanged: SASL, TLS, {@code client.rack}, fetch sizes, ...), then
 * the byte-array deserializers, which cannot be changed. {@code group.id} is required: the source subscribes to a
 * consumer group.
 *
 * @param clientProperties consumer properties as given (defaults not merged in; see {@link #consumerProperties()})
 * @param topics topics to subscribe to, at least one
 * @param startOffsets called on the polling thread with every newly assigned set of partitions; the offsets it returns
 *     (the next offset to read) are where reading starts. Partitions it leaves out start at the group's committed
 *     offset, or at {@code auto.offset.reset} if none. Must not block for long: the group waits for it.
 * @param maxBytesInFlight the source pauses fetching while records it fetched but has not yet emitted hold this many
 *     bytes ({@link PolledRecord#sizeInBytes()}); it may exceed the bound by one poll's worth of records
 * @param pollTimeout the longest one {@code poll} blocks; the source wakes the consumer early for demand, commits and
 *     cancellation, so this mostly bounds how often an idle source loops
 * @param commitTimeout how long {@link KafkaRecordSource#commit} keeps retrying before it fails
 * @param closeTimeout how long closing the consumer may take (leaving the group, finishing commits)
 */
public record KafkaSourceOptions(Map<String, Object> clientProperties, List<String> topics,
                                 Function<Collection<TopicPartition>, Map<TopicPartition, Long>> startOffsets,
                                 long maxBytesInFlight, Duration pollTimeout, Duration commitTimeout,
                                 Duration closeTimeout) {

    /** 64 MiB: a few hundred activation batches of typical size, far below a 2 GiB heap. */
    public static final long DEFAULT_MAX_BYTES_IN_FLIGHT = 64L << 20;
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
    public static final Duration DEFAULT_COMMIT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** A start-offset function that stores nothing: every partition starts at the committed offset. */
    public static final Function<Collection<TopicPartition>, Map<TopicPartition, Long>> COMMITTED_OFFSETS =
            partitions -> Map.of();

    /**
     * Consumer properties the source sets unless the caller sets them: {@code enable.auto.commit=false} (offsets are
     * committed explicitly through {@link KafkaRecordSource#commit} or stored by the application),
     * {@code auto.offset.reset=earliest} (a new group reads a topic from the start, so no record is skipped) and
     * {@code max.poll.records=500} (Kafka's default, stated so the overshoot past {@link #maxBytesInFlight()} is
     * known).
     */
    public static final Map<String, Object> DEFAULT_CONSUMER_PROPERTIES = Map.of(
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");

    /** Properties the caller cannot change: the source hands out raw bytes and never decodes. */
    static final Map<String, Class<?>> FIXED_CONSUMER_PROPERTIES = Map.of(
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);

    /**
     * @throws IllegalArgumentException if {@code group.id} or {@code bootstrap.servers} is missing, no topic is given,
     *     a fixed deserializer is changed, a bound is not positive, or a property key or value is null
     * @throws NullPointerException if an argument is null
     */
    public KafkaSourceOptions {
        clientProperties = ClientProperties.copyOf(Objects.requireNonNull(clientProperties, "clientProperties"));
        topics = List.copyOf(Objects.requireNonNull(topics, "topics"));
        Objects.requireNonNull(startOffsets, "startOffsets");
        Objects.requireNonNull(pollTimeout, "pollTimeout");
        Objects.requireNonNull(commitTimeout, "commitTimeout");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        for (String key : List.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            if (!clientProperties.containsKey(key)) {
                throw new IllegalArgumentException("Kafka consumer property " + key + " is required");
            }
        }
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("At least one topic is required");
        }
        if (maxBytesInFlight <= 0) {
            throw new IllegalArgumentException("maxBytesInFlight must be > 0, was " + maxBytesInFlight);
        }
        for (Duration d : List.of(pollTimeout, commitTimeout, closeTimeout)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("Timeouts must be > 0, was " + d);
            }
        }
        // Fail here, naming the key, rather than on the polling thread.
        ClientProperties.merge(DEFAULT_CONSUMER_PROPERTIES, clientProperties, FIXED_CONSUMER_PROPERTIES);
    }

    /**
     * Options with the defaults for reading {@code topics} in consumer group {@code groupId}.
     *
     * @throws IllegalArgumentException if no topic is given
     */
    public static KafkaSourceOptions of(String bootstrapServers, String groupId, String... topics) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, Objects.requireNonNull(groupId, "groupId"));
        return new KafkaSourceOptions(props, List.of(topics), COMMITTED_OFFSETS, DEFAULT_MAX_BYTES_IN_FLIGHT,
                DEFAULT_POLL_TIMEOUT, DEFAULT_COMMIT_TIMEOUT, DEFAULT_CLOSE_TIMEOUT);
    }

    /** Adds or replaces one consumer property. */
    public KafkaSourceOptions withClientProperty(String key, Object value) {
        Map<String, Object> props = new LinkedHashMap<>(clientProperties);
        props.put(key, value);
        return withClientProperties(props);
    }

    /** Replaces all consumer properties as given (the map must still hold {@code bootstrap.servers} and {@code group.id}). */
    public KafkaSourceOptions withClientProperties(Map<String, Object> props) {
        return new KafkaSourceOptions(props, topics, startOffsets, maxBytesInFlight, pollTimeout, commitTimeout,
                closeTimeout);
    }

    public KafkaSourceOptions withStartOffsets(
            Function<Collection<TopicPartition>, Map<TopicPartition, Long>> startOffsets) {
        return new KafkaSourceOptions(clientProperties, topics, startOffsets, maxBytesInFlight, pollTimeout,
                commitTimeout, closeTimeout);
    }

    public KafkaSourceOptions withMaxBytesInFlight(long maxBytesInFlight) {
        return new KafkaSourceOptions(clientProperties, topics, startOffsets, maxBytesInFlight, pollTimeout,
                commitTimeout, closeTimeout);
    }

    public KafkaSourceOptions withPollTimeout(Duration pollTimeout) {
        return new KafkaSourceOptions(clientProperties, topics, startOffsets, maxBytesInFlight, pollTimeout,
                commitTimeout, closeTimeout);
    }

    public KafkaSourceOptions withCommitTimeout(Duration commitTimeout) {
        return new KafkaSourceOptions(clientProperties, topics, startOffsets, maxBytesInFlight, pollTimeout,
                commitTimeout, closeTimeout);
    }

    public KafkaSourceOptions withCloseTimeout(Duration closeTimeout) {
        return new KafkaSourceOptions(clientProperties, topics, startOffsets, maxBytesInFlight, pollTimeout,
                commitTimeout, closeTimeout);
    }

    /** The properties the consumer is created with: defaults, then {@link #clientProperties()}, then the deserializers. */
    public Map<String, Object> consumerProperties() {
        return ClientProperties.merge(DEFAULT_CONSUMER_PROPERTIES, clientProperties, FIXED_CONSUMER_PROPERTIES);
    }

    /** The consumer group, as given in {@code group.id}. */
    public String groupId() {
        return String.valueOf(clientProperties.get(ConsumerConfig.GROUP_ID_CONFIG));
    }
}
