package io.neurowatch.ops.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.KafkaRecordSource;
import io.neurowatch.connectors.kafka.KafkaSourceOptions;
import io.neurowatch.connectors.kafka.KafkaTopics;
import io.neurowatch.connectors.kafka.PolledRecord;
import io.neurowatch.connectors.kafka.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

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
}
