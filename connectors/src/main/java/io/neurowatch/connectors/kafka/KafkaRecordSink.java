package io.neurowatch.connectors.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A thin reactive wrapper over a {@code KafkaProducer<byte[], byte[]>}: each {@link #send} is a {@link Mono} of the
 * broker's acknowledgement.
 *
 * <p>Producer properties, lowest precedence first: {@link #DEFAULT_PRODUCER_PROPERTIES}, the caller's (any Kafka
 * producer property passes through), then the byte-array serializers, which cannot be changed.
 *
 * <p>Thread-safety: all methods may be called from any thread. {@link #send} does not block its caller:
 * {@code KafkaProducer.send} itself can block (up to {@code max.block.ms}, for metadata or buffer space), so it runs on
 * a single thread owned by this sink, which also keeps records in the order their Monos were subscribed. Completion
 * is signalled on the producer's I/O thread: do not block in what follows, {@code publishOn} instead.
 */
public final class KafkaRecordSink implements AutoCloseable {
    /**
     * Properties set unless the caller sets them: {@code enable.idempotence=true} with {@code acks=all}, so retries
     * after a broker restart neither duplicate nor reorder records within a partition, and {@code linger.ms=5} to batch
     * bursts of small records.
     */
    public static final Map<String, Object> DEFAULT_PRODUCER_PROPERTIES = Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, "5");
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);
    static final String CLOSED = "The Kafka record sink is closed";

    private static final Map<String, Class<?>> FIXED_PRODUCER_PROPERTIES = Map.of(
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);

    private final Producer<byte[], byte[]> producer;
    private final Scheduler sender;
    private final Duration closeTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates the producer (it connects lazily, on the first send).
     *
     * @param clientProperties producer properties; must hold {@code bootstrap.servers}
     * @throws IllegalArgumentException for a changed serializer, a null key or value
     * @throws org.apache.kafka.common.KafkaException if Kafka rejects the configuration
     */
    public KafkaRecordSink(Map<String, Object> clientProperties) {
        this(clientProperties, DEFAULT_CLOSE_TIMEOUT);
    }

    /** As {@link #KafkaRecordSink(Map)}, with the longest time {@link #close()} waits for unsent records. */
    public KafkaRecordSink(Map<String, Object> clientProperties, Duration closeTimeout) {
        Map<String, Object> props = ClientProperties.merge(DEFAULT_PRODUCER_PROPERTIES,
                Objects.requireNonNull(clientProperties, "clientProperties"), FIXED_PRODUCER_PROPERTIES);
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
        this.producer = new KafkaProducer<>(props);
        this.sender = Schedulers.newSingle("neurowatch-kafka-sink", true);
    }

    /** A sink with the defaults for the given bootstrap servers. */
    public static KafkaRecordSink create(String bootstrapServers) {
        return new KafkaRecordSink(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Sends one record; the partition follows from the key (Kafka's default partitioner; records without key are
     * spread). Lazy: nothing is sent until subscribed, and subscribing twice sends twice.
     *
     * @param key may be null
     * @param value may be null (a tombstone on a compacted topic)
     * @param headers may be null or empty; values may be null
     * @return the record's partition and offset once the broker acknowledged it; errors with Kafka's exception
     *     (e.g. {@code RecordTooLargeException}, {@code TimeoutException} after {@code delivery.timeout.ms}), or
     *     {@link IllegalStateException} after {@link #close()}
     * @throws NullPointerException if {@code topic} is null (thrown on call, not signalled)
     */
    public Mono<RecordMetadata> send(String topic, byte[] key, byte[] value, Map<String, byte[]> headers) {
        Objects.requireNonNull(topic, "topic");
        RecordHeaders h = new RecordHeaders();
        if (headers != null) {
            headers.forEach(h::add);
        }
        return send(new ProducerRecord<>(topic, null, key, value, h));
    }

    /** Sends a fully specified record (explicit partition, timestamp, headers); otherwise as {@link #send(String, byte[], byte[], Map)}. */
    public Mono<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        Objects.requireNonNull(record, "record");
        return Mono.<RecordMetadata>create(ms -> {
            if (closed.get()) {
                ms.error(new IllegalStateException(CLOSED));
                return;
            }
            try {
                producer.send(record, (metadata, e) -> {
                    if (e != null) {
                        ms.error(e);
                    } else {
                        ms.success(metadata);
                    }
                });
            } catch (RuntimeException e) {
                ms.error(e);
            }
        }).subscribeOn(sender)
                // Subscribed after close() disposed the sender thread.
                .onErrorMap(RejectedExecutionException.class, e -> new IllegalStateException(CLOSED, e));
    }

    /**
     * Completes when every record sent before subscription has been acknowledged or failed. Runs on the sink's
     * thread, so sends subscribed after it wait behind it.
     */
    public Mono<Void> flush() {
        return Mono.<Void>fromRunnable(producer::flush).subscribeOn(sender);
    }

    /**
     * Flushes unsent records, then closes the producer (waiting at most the close timeout) and the sink's thread.
     * Blocks the caller. Idempotent. Sends subscribed afterwards fail with {@link IllegalStateException}.
     *
     * @throws org.apache.kafka.common.KafkaException the first failure while flushing or closing
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = null;
        try {
            producer.flush();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            producer.close(closeTimeout);
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        sender.dispose();
        if (failure != null) {
            throw failure;
        }
    }
}
