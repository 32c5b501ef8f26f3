package io.neurowatch.ops.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.KafkaRecordSource;
import io.neurowatch.connectors.kafka.KafkaSourceOptions;
import io.neurowatch.connectors.kafka.KafkaSourceStats;
import io.neurowatch.connectors.kafka.KafkaTopics;
import io.neurowatch.connectors.kafka.PolledRecord;
import io.neurowatch.connectors.kafka.TopicSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link KafkaRecordSource} against a real broker: backpressure, exactly-once delivery per source, resuming from stored
 * offsets, a broker restart, and bytes that decode to nothing.
 */
@ExtendWith(EmbeddedKafka.class)
@Timeout(60)
class KafkaRecordSourceTest {
    private static final int RECORDS = 10_000;
    private static final int VALUE_BYTES = 100;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String bootstrap;
    private static KafkaTopics topics;
    private static KafkaRecordSink sink;

    @BeforeAll
    static void clients(EmbeddedKafkaBroker broker) {
        bootstrap = broker.bootstrapServers();
        topics = KafkaTopics.create(bootstrap);
        // Pass-through of a producer property: a 2 MiB record exceeds the 1 MiB default request size.
        sink = new KafkaRecordSink(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20));
    }

    @AfterAll
    static void closeClients() {
        RuntimeException failure = null;
        for (AutoCloseable c : new AutoCloseable[] {sink, topics}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Closing test clients failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    void slowSubscriberGetsEveryRecordOnceInPartitionOrderWhileSourcePauses() {
        String topic = createTopic("slow", 3);
        produce(topic, 0, RECORDS);
        long maxBytes = 16 << 10;
        KafkaRecordSource source = new KafkaRecordSource(options(topic, "slow-group").withMaxBytesInFlight(maxBytes));

        AtomicInteger seen = new AtomicInteger();
        List<PolledRecord> got = source.records()
                .limitRate(64)
                .publishOn(Schedulers.boundedElastic(), 32)
                .doOnNext(r -> {
                    if (seen.incrementAndGet() % 10 == 0) {
                        sleep(1);
                    }
                })
                .take(RECORDS)
                .collectList()
                .block(WAIT);
        source.whenStopped().block(WAIT);

        assertExactlyOnceInOrder(got, 0, RECORDS);
        KafkaSourceStats stats = source.stats();
        System.out.println("slow subscriber: " + stats);
        assertTrue(stats.pauseEvents() > 0, stats.toString());
        assertTrue(stats.bytePauseEvents() > 0, stats.toString());
        assertTrue(stats.resumeEvents() > 0, stats.toString());
        // One poll may overshoot the bound: max.poll.records (500) records of ~106 bytes.
        assertTrue(stats.maxPendingBytes() <= maxBytes + 500 * 120, stats.toString());
        assertEquals(RECORDS, stats.emittedRecords());
    }

    @Test
    void restartedSourceContinuesFromStoredAndCommittedOffsets() throws Exception {
        String topic = createTopic("resume", 3);
        produce(topic, 0, RECORDS);
        String group = "resume-group";
        // Stands in for the analyzer's RocksDB: next offset per partition, written as records are processed.
        Map<TopicPartition, Long> store = new ConcurrentHashMap<>();
        TopicPartition storeOnly = new TopicPartition(topic, 0);
        List<PolledRecord> first = Collections.synchronizedList(new ArrayList<>());
        int firstCount = 4_000;

        KafkaRecordSource firstSource = new KafkaRecordSource(options(topic, group));
        firstSource.records()
                .limitRate(100)
                .concatMap(r -> {
                    first.add(r);
                    store.put(r.topicPartition(), r.nextOffset());
                    if (first.size() < firstCount) {
                        return Mono.just(r);
                    }
                    // Partition 0 is only in the store, so the next source must use the start-offset function.
                    Map<TopicPartition, Long> toKafka = new HashMap<>(store);
                    toKafka.remove(storeOnly);
                    return firstSource.commit(toKafka).thenReturn(r);
                })
                .take(firstCount)
                .then()
                .block(WAIT);
        firstSource.whenStopped().block(WAIT);
        assertEquals(firstCount, first.size());

        Map<TopicPartition, Long> expectedCommitted = new HashMap<>(store);
        expectedCommitted.remove(storeOnly);
        assertEquals(expectedCommitted, committedOffsets(group));

        KafkaRecordSource secondSource = new KafkaRecordSource(options(topic, group)
                .withStartOffsets(partitions -> partitions.contains(storeOnly)
                        ? Map.of(storeOnly, store.get(storeOnly)) : Map.of()));
        List<PolledRecord> second = secondSource.records()
                .limitRate(100)
                .take(RECORDS - firstCount)
                .collectList()
                .block(WAIT);
        secondSource.whenStopped().block(WAIT);

        List<PolledRecord> all = new ArrayList<>(first);
        all.addAll(second);
        assertExactlyOnceInOrder(all, 0, RECORDS);
    }

    @Test
    void sourceRecoversWhenBrokerRestartsMidStream(EmbeddedKafkaBroker broker) throws Exception {
        String topic = createTopic("restart", 2);
        produce(topic, 0, RECORDS / 2);
        // Pass-through of consumer properties: reconnect quickly once the broker is back.
        KafkaRecordSource source = new KafkaRecordSource(options(topic, "restart-group")
                .withClientProperty("reconnect.backoff.max.ms", "200"));
        List<PolledRecord> got = Collections.synchronizedList(new ArrayList<>());
        Disposable subscription = source.records()
                .limitRate(100)
                .publishOn(Schedulers.boundedElastic(), 32)
                .subscribe(r -> {
                    got.add(r);
                    if (got.size() % 10 == 0) {
                        sleep(1);
                    }
                });
        try {
            awaitTrue(() -> got.size() >= 2_000, "2000 records before the restart");
            long t0 = System.nanoTime();
            broker.stop();
            long stopMs = (System.nanoTime() - t0) / 1_000_000;
            broker.start();
            System.out.printf("Broker stopped in %d ms, restarted in %d ms%n", stopMs,
                    broker.lastStartDuration().toMillis());
            produce(topic, RECORDS / 2, RECORDS);
            awaitTrue(() -> got.size() >= RECORDS, "all records after the restart");
            sleep(500);
        } finally {
            subscription.dispose();
        }
        source.whenStopped().block(WAIT);
        KafkaSourceStats stats = source.stats();
        System.out.println("broker restart: " + stats);
        assertExactlyOnceInOrder(new ArrayList<>(got), 0, RECORDS);
        assertTrue(stats.pauseEvents() > stats.bytePauseEvents(), "paused for demand: " + stats);
    }

    @Test
    void deliversGarbageTombstonesAndLargeValuesAsRawBytes() {
        String topic = createTopic("garbage", 1);
        Random random = new Random(42);
        byte[] garbage = new byte[1000];
        random.nextBytes(garbage);
        byte[] large = new byte[2 << 20];
        random.nextBytes(large);
        byte[] key = "k".getBytes(StandardCharsets.US_ASCII);
        Flux.concat(
                sink.send(topic, null, garbage, null),
                sink.send(topic, key, new byte[0], null),
                sink.send(topic, key, null, null),
                sink.send(topic, key, large, Map.of("schema", new byte[] {(byte) 0xff})),
                sink.send(topic, key, "after".getBytes(StandardCharsets.US_ASCII), null))
                .then().block(WAIT);

        KafkaRecordSource source = new KafkaRecordSource(options(topic, "garbage-group"));
        List<PolledRecord> got = source.records().take(5).collectList().block(WAIT);
        source.whenStopped().block(WAIT);

        assertEquals(5, got.size());
        assertNull(got.get(0).key());
        assertArrayEquals(garbage, got.get(0).value());
        assertEquals(0, got.get(1).value().length);
        assertTrue(got.get(2).isTombstone());
        assertArrayEquals(large, got.get(3).value());
        assertArrayEquals(new byte[] {(byte) 0xff}, got.get(3).lastHeader("schema").orElseThrow());
        assertEquals("after", new String(got.get(4).value(), StandardCharsets.US_ASCII));
    }

    @Test
    void allowsOneSubscriberAtATimeAndRejectsCommitsWhenStopped() {
        String topic = createTopic("single", 1);
        KafkaRecordSource source = new KafkaRecordSource(options(topic, "single-group"));
        Disposable first = source.records().subscribe();
        try {
            Throwable second = assertThrows(RuntimeException.class, () -> source.records().blockFirst(WAIT));
            assertInstanceOf(IllegalStateException.class, second);
        } finally {
            first.dispose();
        }
        source.whenStopped().block(WAIT);
        Throwable commit = assertThrows(RuntimeException.class,
                () -> source.commit(Map.of(new TopicPartition(topic, 0), 0L)).block(WAIT));
        assertInstanceOf(IllegalStateException.class, commit);
        assertTrue(source.assignment().isEmpty());
    }

    @Test
    void failingStartOffsetFunctionEndsTheFluxWithItsCause() {
        String topic = createTopic("failing-start", 1);
        KafkaRecordSource source = new KafkaRecordSource(options(topic, "failing-group").withStartOffsets(partitions -> {
            throw new IllegalArgumentException("store unreadable");
        }));
        Throwable e = assertThrows(RuntimeException.class, () -> source.records().blockFirst(WAIT));
        assertInstanceOf(IllegalStateException.class, e);
        assertTrue(e.getMessage().contains("start-offset function"), e.getMessage());
        assertEquals("store unreadable", e.getCause().getMessage());
        source.whenStopped().block(WAIT);
    }

    private static KafkaSourceOptions options(String topic, String group) {
        return KafkaSourceOptions.of(bootstrap, group, topic);
    }

    private static String createTopic(String name, int partitions) {
        assertTrue(topics.createIfMissing(TopicSpec.of(name, partitions)).block(WAIT), "created " + name);
        return name;
    }

    /** Sends sequence numbers [from, to); keys spread them over partitions, each value starts with its number. */
    private static void produce(String topic, int from, int to) {
        Flux.range(from, to - from)
                .flatMap(i -> sink.send(topic, ("k" + i % 16).getBytes(StandardCharsets.US_ASCII), value(i), null),
                        256)
                .then()
                .block(WAIT);
    }

    private static byte[] value(int seq) {
        return ByteBuffer.allocate(VALUE_BYTES).putLong(seq).array();
    }

    private static long seq(PolledRecord r) {
        return r.valueBuffer().getLong(0);
    }

    /**
     * Every sequence number in [from, to) exactly once; per partition, offsets contiguous from 0 and sequence numbers
     * rising (the order they were produced in).
     */
    private static void assertExactlyOnceInOrder(List<PolledRecord> records, int from, int to) {
        Set<Long> seqs = new HashSet<>();
        for (PolledRecord r : records) {
            assertTrue(seqs.add(seq(r)), () -> "duplicate " + r);
        }
        assertEquals(to - from, records.size());
        assertEquals(to - from, seqs.size());
        assertTrue(seqs.stream().allMatch(q -> q >= from && q < to), "sequence numbers out of range");
        Map<Integer, List<PolledRecord>> byPartition = records.stream()
                .collect(Collectors.groupingBy(PolledRecord::partition));
        for (List<PolledRecord> part : byPartition.values()) {
            for (int i = 0; i < part.size(); i++) {
                assertEquals(i, part.get(i).offset(), "offset order in " + part.get(i));
                if (i > 0) {
                    assertTrue(seq(part.get(i)) > seq(part.get(i - 1)), "produce order in " + part.get(i));
                }
            }
        }
    }

    private static Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> out = new HashMap<>();
            offsets.forEach((tp, om) -> out.put(tp, om.offset()));
            return out;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            sleep(20);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
