package io.neurowatch.connectors.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;

/**
 * One subscription of a {@link KafkaRecordSource}: a dedicated daemon thread that owns a {@link KafkaConsumer}, polls
 * it, and hands records to the subscriber's sink as demand allows.
 *
 * <p>Threading. Every consumer call (construction, subscribe, poll, pause/resume, seek, commit, close) happens on the
 * polling thread. Other threads only enqueue tasks, set flags and call {@link Consumer#wakeup()}, the one consumer
 * method that is safe from any thread. Records are emitted by whichever thread runs {@link #drain()}: the polling
 * thread after a poll, or a subscriber's thread when it requests more; a work-in-progress counter serializes drains.
 *
 * <p>Backpressure. Before each poll, {@link FetchGate} compares what is held unemitted with the outstanding demand and
 * {@link KafkaSourceOptions#maxBytesInFlight()}; if the subscriber is behind, all assigned partitions are paused, and
 * the consumer keeps polling (with nothing fetched) to stay in the group. A drain that opens the gate wakes the poller.
 *
 * <p>No duplicates. {@link #emittedUpTo} records, per partition, the offset after the last record handed to this
 * subscriber; assignment never seeks below it and the drain skips anything below it, so a rebalance or a lagging
 * start-offset function cannot hand the subscriber a record twice. It is per subscription on purpose: records emitted
 * to a cancelled subscriber may never have been processed, so a new subscription trusts only stored offsets.
 */
final class SourcePoller implements Runnable {
    static final String STOPPED = "The Kafka record source is not running (cancelled, failed or not yet subscribed)";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRecordSource.class);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final KafkaSourceOptions options;
    private final FluxSink<PolledRecord> sink;
    private final SourceCounters counters;
    private final ConcurrentMap<TopicPartition, Long> emittedUpTo = new ConcurrentHashMap<>();
    private final SourcePoller previous;
    private final FetchGate gate;
    private final PendingRecords pending = new PendingRecords();
    private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainWip = new AtomicInteger();
    /** True from a wakeup() call until a consumer call on the polling thread has thrown it; avoids redundant calls. */
    private final AtomicBoolean wakeupArmed = new AtomicBoolean();
    private final CountDownLatch terminatedLatch = new CountDownLatch(1);
    private final Sinks.Empty<Void> terminated = Sinks.empty();
    private final Thread thread;

    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean stopRequested;
    /** Set before the poller decides whether to fetch, so an emitter that opens the gate afterwards wakes it. */
    private volatile boolean fetchPaused;
    private volatile boolean closed;
    private volatile Set<TopicPartition> assignment = Set.of();
    /** Thrown inside a rebalance callback; Kafka rethrows it wrapped, we report the original. */
    private RuntimeException listenerFailure;

    private interface Task {
        void run();

        void abort(Throwable reason);
    }

    SourcePoller(KafkaSourceOptions options, FluxSink<PolledRecord> sink, SourceCounters counters,
                 SourcePoller previous) {
        this.options = options;
        this.sink = sink;
        this.counters = counters;
        this.previous = previous;
        this.gate = new FetchGate(options.maxBytesInFlight());
        this.thread = new Thread(this, "neurowatch-kafka-source-" + THREAD_IDS.incrementAndGet());
        thread.setDaemon(true);
    }

    void start() {
        sink.onRequest(n -> drain());
        sink.onDispose(this::requestStop);
        thread.start();
    }

    /** True until the subscription is cancelled or the poller failed; a source allows one active poller. */
    boolean isActive() {
        return !stopRequested && !closed;
    }

    Mono<Void> terminated() {
        return terminated.asMono();
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    KafkaSourceStats stats() {
        return counters.snapshot(pending);
    }

    /** Commits on the polling thread; completes when Kafka acknowledged, fails if it did not within the timeout. */
    Mono<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return Mono.create(ms -> submit(new Task() {
            @Override
            public void run() {
                commitNow(offsets, ms);
            }

            @Override
            public void abort(Throwable reason) {
                ms.error(reason);
            }
        }));
    }

    private void submit(Task task) {
        tasks.add(task);
        // The poller fails leftover tasks after it sets closed; whoever removes the task first answers it.
        if (closed && tasks.remove(task)) {
            task.abort(new IllegalStateException(STOPPED));
            return;
        }
        requestWakeup();
    }

    private void requestStop() {
        stopRequested = true;
        requestWakeup();
    }

    private void requestWakeup() {
        Consumer<byte[], byte[]> c = consumer;
        if (c != null && !closed && wakeupArmed.compareAndSet(false, true)) {
            c.wakeup();
        }
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            awaitPrevious();
            if (!stopRequested) {
                consumer = new KafkaConsumer<>(options.consumerProperties());
                consumer.subscribe(options.topics(), new Listener());
                pollLoop();
            }
        } catch (Throwable t) {
            failure = listenerFailure != null ? listenerFailure : t;
        }
        failure = shutdown(failure);
        if (failure != null) {
            if (sink.isCancelled()) {
                LOG.warn("Kafka record source for group {} failed after cancellation", options.groupId(), failure);
            } else {
                sink.error(failure);
            }
        }
        terminatedLatch.countDown();
        terminated.tryEmitEmpty();
    }

    private void awaitPrevious() throws InterruptedException {
        if (previous == null) {
            return;
        }
        long waitMs = options.closeTimeout().toMillis() + 5_000;
        if (!previous.terminatedLatch.await(waitMs, TimeUnit.MILLISECONDS)) {
            LOG.warn("The previous consumer of group {} did not close within {} ms; starting the next one anyway",
                    options.groupId(), waitMs);
        }
    }

    private void pollLoop() {
        while (!stopRequested) {
            runTasks();
            applyGate();
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(options.pollTimeout());
            } catch (WakeupException e) {
                wakeupArmed.set(false);
                continue;
            }
            if (!records.isEmpty()) {
                counters.polled.addAndGet(records.count());
                pending.addAll(records);
            }
            drain();
        }
    }

    private void runTasks() {
        Task task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private void applyGate() {
        fetchPaused = true;
        FetchGate.Decision decision = gate.decide(pending.size(), pending.bytes(), sink.requestedFromDownstream());
        Set<TopicPartition> paused = consumer.paused();
        if (decision == FetchGate.Decision.FETCH) {
            fetchPaused = false;
            if (!paused.isEmpty()) {
                consumer.resume(paused);
                counters.resumes.incrementAndGet();
            }
            return;
        }
        Set<TopicPartition> toPause = new HashSet<>(consumer.assignment());
        toPause.removeAll(paused);
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
            if (paused.isEmpty()) {
                counters.pauses.incrementAndGet();
                if (decision == FetchGate.Decision.PAUSE_FOR_BYTES) {
                    counters.bytePauses.incrementAndGet();
                }
            }
        }
    }

    /** Emits held records against outstanding demand. Any thread; concurrent calls collapse into one loop. */
    private void drain() {
        if (drainWip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            long requested = sink.requestedFromDownstream();
            long emitted = 0;
            while (emitted < requested && !sink.isCancelled()) {
                PolledRecord r = pending.poll();
                if (r == null) {
                    break;
                }
                TopicPartition tp = r.topicPartition();
                Long next = emittedUpTo.get(tp);
                if (next != null && r.offset() < next) {
                    counters.skippedDuplicates.incrementAndGet();
                    continue;
                }
                emittedUpTo.put(tp, r.nextOffset());
                counters.emitted.incrementAndGet();
                emitted++;
                sink.next(r);
            }
            if (fetchPaused && Thread.currentThread() != thread && gate.decide(pending.size(), pending.bytes(),
                    sink.requestedFromDownstream()) == FetchGate.Decision.FETCH) {
                requestWakeup();
            }
            missed = drainWip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void commitNow(Map<TopicPartition, OffsetAndMetadata> offsets, MonoSink<Void> ms) {
        Duration timeout = options.commitTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            if (stopRequested) {
                // Still commit while closing (the caller committed before cancelling), but do not hold up the close.
                deadline = Math.min(deadline, System.nanoTime() + options.closeTimeout().toNanos());
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                ms.error(new TimeoutException("Committing " + offsets + " for group " + options.groupId()
                        + " did not complete within " + timeout));
                return;
            }
            try {
                consumer.commitSync(offsets, Duration.ofNanos(remaining));
                ms.success();
                return;
            } catch (WakeupException e) {
                // A wakeup meant for the poll loop (demand or cancellation); the loop re-checks both before it polls.
                // Committing the same offsets again is harmless.
                wakeupArmed.set(false);
            } catch (RuntimeException e) {
                ms.error(e);
                return;
            }
        }
    }

    private Throwable shutdown(Throwable failure) {
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            try {
                runTasks();
            } catch (RuntimeException e) {
                failure = first(failure, e);
            }
            failure = first(failure, closeConsumer(c));
        }
        closed = true;
        Task task;
        while ((task = tasks.poll()) != null) {
            task.abort(new IllegalStateException(STOPPED));
        }
        counters.maxPendingBytes.accumulateAndGet(pending.maxBytes(), Math::max);
        pending.clear();
        assignment = Set.of();
        return failure;
    }

    private RuntimeException closeConsumer(Consumer<byte[], byte[]> c) {
        for (int attempt = 0; ; attempt++) {
            try {
                c.close(CloseOptions.timeout(options.closeTimeout()));
                return null;
            } catch (WakeupException e) {
                // A wakeup that arrived after the last poll; the consumer is still open, so close again.
                if (attempt > 0) {
                    return e;
                }
            } catch (RuntimeException e) {
                return e;
            }
        }
    }

    private static Throwable first(Throwable a, Throwable b) {
        if (a == null) {
            return b;
        }
        if (b != null && b != a) {
            a.addSuppressed(b);
        }
        return a;
    }

    /** Runs on the polling thread inside {@code poll}. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        private void drop(Collection<TopicPartition> partitions) {
            counters.droppedOnRevoke.addAndGet(pending.removePartitions(partitions));
            Set<TopicPartition> left = new HashSet<>(assignment);
            left.removeAll(partitions);
            assignment = Set.copyOf(left);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            counters.assignments.incrementAndGet();
            try {
                Map<TopicPartition, Long> stored = startOffsets(partitions);
                Map<TopicPartition, Long> seeks = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    Long target = max(stored.get(tp), emittedUpTo.get(tp));
                    if (target != null) {
                        consumer.seek(tp, target);
                        seeks.put(tp, target);
                    }
                }
                if (fetchPaused) {
                    // Fresh assignments start unpaused; without this the same poll could fetch past the demand.
                    consumer.pause(partitions);
                }
                assignment = Set.copyOf(consumer.assignment());
                LOG.debug("Group {} assigned {}; seeking {}", options.groupId(), partitions, seeks);
            } catch (RuntimeException e) {
                listenerFailure = e;
                throw e;
            }
        }

        private Long max(Long a, Long b) {
            if (a == null) {
                return b;
            }
            return b == null ? a : Long.valueOf(Math.max(a, b));
        }

        private Map<TopicPartition, Long> startOffsets(Collection<TopicPartition> partitions) {
            Map<TopicPartition, Long> stored;
            try {
                stored = options.startOffsets().apply(Collections.unmodifiableCollection(partitions));
            } catch (RuntimeException e) {
                throw new IllegalStateException("The start-offset function failed for partitions " + partitions, e);
            }
            if (stored == null) {
                throw new IllegalStateException("The start-offset function returned null for partitions " + partitions);
            }
            stored.forEach((tp, offset) -> {
                if (offset == null || offset < 0) {
                    throw new IllegalStateException(
                            "The start-offset function returned offset " + offset + " for partition " + tp);
                }
            });
            return stored;
        }
    }
}
