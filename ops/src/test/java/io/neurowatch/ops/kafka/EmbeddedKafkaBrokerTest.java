package io.neurowatch.ops.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.KafkaRecordSource;
import io.neurowatch.connectors.kafka.KafkaSourceOptions;
import io.neurowatch.connectors.kafka.KafkaTopics;
import io.neurowatch.connectors.kafka.PolledRecord;
import io.neurowatch.connectors.kafka.TopicSpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker itself and topic administration over it. */
@ExtendWith(EmbeddedKafka.class)
@Timeout(60)
class EmbeddedKafkaBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void listensOnLoopbackOnly(EmbeddedKafkaBroker broker) {
        assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"), broker.bootstrapServers());
        assertThrows(IllegalArgumentException.class, () -> new EmbeddedKafkaBroker(Path.of("unused"), 0,
                Map.of("listeners", "PLAINTEXT://0.0.0.0:9092")));
    }

    @Test
    void topicsAreCreatedOnceWithTheirConfigs(EmbeddedKafkaBroker broker) {
        try (KafkaTopics topics = KafkaTopics.create(broker.bootstrapServers())) {
            TopicSpec labels = TopicSpec.of("labels", 2).compacted().withRetention(Duration.ofDays(7));
            assertTrue(topics.createIfMissing(labels).block(WAIT));
            assertFalse(topics.createIfMissing(labels).block(WAIT));
            assertEquals(2, topics.describe("labels").block(WAIT).partitions().size());
            Map<String, String> configs = topics.configs("labels").block(WAIT);
            assertEquals("compact", configs.get("cleanup.policy"));
            assertEquals(Long.toString(Duration.ofDays(7).toMillis()), configs.get("retention.ms"));
        }
    }

    @Test
    void restartOnTheSameDirectoryKeepsTopicsAndRecords(EmbeddedKafkaBroker broker) throws Exception {
        String address = broker.bootstrapServers();
        try (KafkaTopics topics = KafkaTopics.create(address); KafkaRecordSink sink = KafkaRecordSink.create(address)) {
            assertTrue(topics.createIfMissing(TopicSpec.of("kept", 1)).block(WAIT));
            sink.send("kept", null, "before".getBytes(StandardCharsets.US_ASCII), null).block(WAIT);

            broker.stop();
            assertFalse(broker.isRunning());
            broker.start();
            assertEquals(address, broker.bootstrapServers());

            assertFalse(topics.createIfMissing(TopicSpec.of("kept", 1)).block(WAIT));
            sink.send("kept", null, "after".getBytes(StandardCharsets.US_ASCII), null).block(WAIT);
        }
        KafkaRecordSource source = new KafkaRecordSource(KafkaSourceOptions.of(address, "kept-group", "kept"));
        List<PolledRecord> got = source.records().take(2).collectList().block(WAIT);
        source.whenStopped().block(WAIT);
        assertEquals(List.of("before", "after"),
                got.stream().map(r -> new String(r.value(), StandardCharsets.US_ASCII)).toList());
    }

    @Test
    void chosenPortsAreNeverTheSame() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            int[] ports = EmbeddedKafkaBroker.freePorts(2);
            assertNotEquals(ports[0], ports[1], "draw " + i);
        }
    }

    /** Several brokers started in a row, all running at once, each on its own pair of ports. */
    @Test
    @Timeout(180)
    void brokersStartedInARowNeverCollide(@TempDir Path dir) throws Exception {
        List<EmbeddedKafkaBroker> brokers = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        try {
            for (int i = 0; i < 4; i++) {
                EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start(dir.resolve("b" + i));
                brokers.add(b);
                int client = Integer.parseInt(b.bootstrapServers().substring("127.0.0.1:".length()));
                assertTrue(ports.add(client), "client port " + client + " used twice");
                assertTrue(ports.add(b.controllerPort()), "controller port " + b.controllerPort() + " used twice");
            }
        } finally {
            brokers.forEach(EmbeddedKafkaBroker::close);
        }
    }

    /** Another process takes the chosen port before Kafka binds it: the start moves to other ports. */
    @Test
    @Timeout(120)
    void aStartWhosePortWasTakenRetriesOnOthers(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger draws = new AtomicInteger();
            EmbeddedKafkaBroker.PortSource firstTaken = count -> draws.getAndIncrement() == 0
                    ? new int[] {taken.getLocalPort(), EmbeddedKafkaBroker.freePorts(1)[0]}
                    : EmbeddedKafkaBroker.freePorts(count);
            try (EmbeddedKafkaBroker b = new EmbeddedKafkaBroker(dir, 0, 0, Map.of(), firstTaken)) {
                b.start();
                assertEquals(2, draws.get(), "one retry");
                assertNotEquals("127.0.0.1:" + taken.getLocalPort(), b.bootstrapServers());
                try (KafkaTopics topics = KafkaTopics.create(b.bootstrapServers())) {
                    assertTrue(topics.createIfMissing(TopicSpec.of("after-retry", 1)).block(WAIT));
                }
            }
        }
    }

    @Test
    void givenPortsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new EmbeddedKafkaBroker(Path.of("unused"), 9092, 9092,
                Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new EmbeddedKafkaBroker(Path.of("unused"), 0, 70_000,
                Map.of()));
    }
}
