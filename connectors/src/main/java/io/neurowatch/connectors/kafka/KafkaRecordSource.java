package io.neurowatch.connectors.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * Kafka records as a Reactor {@link Flux}, with backpressure, over a plain {@code KafkaConsumer} (no reactor-kafka).
 *
 * <p>Each subscription to {@link #records()} starts a dedicated daemon thread that creates the consumer, subscribes to
 * the topics as a member of the consumer group, and polls. All consumer calls, commits included, run on that thread;
 * other threads only enqueue requests. When the subscriber falls behind (no outstanding demand for what is already
 * fetched, or {@link KafkaSourceOptions#maxBytesInFlight()} held unemitted) the source pauses its assigned partitions
 * and resumes them when demand returns; {@link #stats()} counts these pauses. Cancelling the subscription wakes the
 * consumer, which runs commits already requested, leaves the group and closes.
 *
 * <p>Records are undecoded: whatever bytes are in the topic, including garbage and tombstones, are delivered as
 * {@link PolledRecord}s. Within a partition they arrive in offset order, and one subscription never receives the same
 * partition and offset twice, even across rebalances: on assignment the source starts at the larger of the offset the
 * start-offset function returns and the offset after the last record it emitted to this subscriber. A new
 * subscription starts from stored or committed offsets only (records emitted to a cancelled subscriber may not have
 * been processed), so across subscriptions delivery is at-least-once, exactly-once if offsets are stored with the
 * results. Nothing is committed automatically; store offsets yourself (see {@link KafkaSourceOptions#startOffsets()})
 * or call {@link #commit}.
 *
 * <pre>{@code
 * KafkaRecordSource source = new KafkaRecordSource(KafkaSourceOptions.of(bootstrap, "analyzer", "activations")
 *         .withStartOffsets(store::nextOffsets));
 * source.records()
 *         .publishOn(Schedulers.boundedElastic(), 64)   // decoding and RocksDB writes are blocking
 *         .concatMap(r -> analyze(r).then(store.save(r.topicPartition(), r.nextOffset())))
 *         .subscribe();
 * }</pre>
 *
 * <p>Thread-safety: all methods may be called from any thread and none blocks. Records are emitted on the source's
 * polling thread or on the thread that requested them; move blocking or heavy work off with {@code publishOn}, since
 * a subscriber that holds the polling thread for longer than {@code max.poll.interval.ms} is removed from the group.
 */
public final class KafkaRecordSource {
    static final String ALREADY_SUBSCRIBED =
            "A KafkaRecordSource allows one active subscriber; cancel it first or create another source";

    private final KafkaSourceOptions options;
    private final SourceCounters counters = new SourceCounters();
    private final AtomicReference<SourcePoller> current = new AtomicReference<>();

    /** Creates the source; no consumer exists and nothing connects until {@link #records()} is subscribed. */
    public KafkaRecordSource(KafkaSourceOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public KafkaSourceOptions options() {
        return options;
    }

    /**
     * The records of the subscribed topics. Never completes on its own; errors with the consumer's exception on a
     * fatal consumer failure (authorization, an invalid offset with {@code auto.offset.reset=none}, a failing
     * start-offset function), after which it may be subscribed again.
     *
     * <p>One active subscriber at a time: a second concurrent subscriber gets {@link IllegalStateException}. After
     * cancellation a new subscription is allowed; its consumer is created once the previous one has closed.
     */
    public Flux<PolledRecord> records() {
        return Flux.create(this::subscribe, FluxSink.OverflowStrategy.BUFFER);
    }

    private void subscribe(FluxSink<PolledRecord> sink) {
        for (;;) {
            SourcePoller previous = current.get();
            if (previous != null && previous.isActive()) {
                sink.error(new IllegalStateException(ALREADY_SUBSCRIBED));
                return;
            }
            SourcePoller next = new SourcePoller(options, sink, counters, previous);
            if (current.compareAndSet(previous, next)) {
                next.start();
                return;
            }
        }
    }

    /**
     * Commits {@code nextOffsets} (per partition, the offset of the next record to read, i.e. the last processed
     * offset + 1) to the consumer group, on the polling thread. Completes once Kafka acknowledged the commit.
     * Errors with Kafka's exception if the commit failed (e.g. {@code CommitFailedException} after a rebalance),
     * with {@link java.util.concurrent.TimeoutException} after {@link KafkaSourceOptions#commitTimeout()}, and with
     * {@link IllegalStateException} if no subscription is running. A commit requested before cancellation is still
     * carried out while the consumer closes. An empty map completes at once.
     *
     * @throws NullPointerException if the map, a key or a value is null (thrown on call, not signalled)
     * @throws IllegalArgumentException if an offset is negative
     */
    public Mono<Void> commit(Map<TopicPartition, Long> nextOffsets) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        Objects.requireNonNull(nextOffsets, "nextOffsets").forEach((tp, offset) -> {
            Objects.requireNonNull(tp, "partition");
            Objects.requireNonNull(offset, "offset");
            if (offset < 0) {
                throw new IllegalArgumentException("Cannot commit offset " + offset + " for partition " + tp);
            }
            offsets.put(tp, new OffsetAndMetadata(offset));
        });
        if (offsets.isEmpty()) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            SourcePoller poller = current.get();
            return poller == null ? Mono.error(new IllegalStateException(SourcePoller.STOPPED))
                    : poller.commit(offsets);
        });
    }

    /** Counters since creation, a consistent-enough snapshot for monitoring (each counter is read atomically). */
    public KafkaSourceStats stats() {
        SourcePoller poller = current.get();
        return poller == null ? counters.snapshot(null) : poller.stats();
    }

    /** The partitions currently assigned to this source's consumer; empty when none is running. */
    public Set<TopicPartition> assignment() {
        SourcePoller poller = current.get();
        return poller == null ? Set.of() : poller.assignment();
    }

    /**
     * Completes when the consumer of the latest subscription has closed (at once if there never was one). Use after
     * cancelling to know the group has been left, e.g. before starting another member in tests.
     */
    public Mono<Void> whenStopped() {
        return Mono.defer(() -> {
            SourcePoller poller = current.get();
            return poller == null ? Mono.empty() : poller.terminated();
        });
    }
}
