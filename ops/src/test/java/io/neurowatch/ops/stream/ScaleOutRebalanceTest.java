package io.neurowatch.ops.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.analyzers.synthetic.PlantedConcepts;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.KafkaTopics;
import io.neurowatch.connectors.kafka.TopicSpec;
import io.neurowatch.ops.kafka.EmbeddedKafka;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.testing.AnalyzerProcess;
import io.neurowatch.ops.testing.TopicReader;
import io.neurowatch.ops.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebalance while a label run is in flight: the instance that loses the layer publishes nothing of the run (no
 * stale label), and the new owner runs it (the run is not lost), over the same samples, with no label change.
 */
@ExtendWith(EmbeddedKafka.class)
class ScaleOutRebalanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    @Timeout(600)
    void aRunInFlightWhenThePartitionMovesIsDoneByTheNewOwnerAndNeverPublishedByTheOld(EmbeddedKafkaBroker broker)
            throws Exception {
        String group = "sor";
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
        try (KafkaTopics topics = new KafkaTopics(client)) {
            topics.createIfMissing(TopicSpec.of(group + ".act", 2)).block(Duration.ofSeconds(30));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("group.id", group);
        settings.put("partitions", "2");
        for (String t : List.of("annotations", "labels", "label-events", "dead-letters", "alerts")) {
            settings.put("topics." + t, group + "." + t);
        }
        settings.put("topics.activations", group + ".act");
        settings.put("label.every-samples", "0");
        settings.put("label.interval", "PT1S");
        // A slow run on purpose: one labeller thread, a wide layer, a deep search.
        settings.put("label.threads", "1");
        settings.put("invert.L", "3");
        settings.put("invert.B", "8");
        settings.put("invert.min-fraction", "0.01");
        settings.put("streams.session-timeout", "PT6S");
        int n = 20_000;
        int d = 96;
        PlantedConcepts data = PlantedConcepts.generate(3, n, 30, d, 2.5);
        List<AnalyzerProcess> instances = new ArrayList<>();
        AnalyzerProcess owner;
        try (KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client))) {
            AnalyzerProcess a = AnalyzerProcess.start(broker.bootstrapServers(), work.resolve("a"), settings);
            instances.add(a);
            Replayer.replay(data.activations(), data.labels(), 0, n - 500, Replayer.Options.of("m", "wide",
                    group + ".act").withBatchSize(500), sink, x -> { });
            // A labels what it has; then B joins. One of the two tasks holds the layer; the group may give either
            // to B, so the layer's owner is whichever instance starts the next run.
            Waits.await(() -> count(a, "label run:") >= 1, Duration.ofSeconds(180), "a first run on A");
            AnalyzerProcess b = AnalyzerProcess.start(broker.bootstrapServers(), work.resolve("b"), settings);
            instances.add(b);
            Waits.await(() -> count(b, "task ") >= 1, Duration.ofSeconds(60), "B in the group");
            Thread.sleep(3000);
            // The last samples make the owner start another run; while it is in flight, the owner leaves (a
            // graceful stop: the group moves the partition to the other instance at once).
            int beforeA = count(a, "label run starting");
            int beforeB = count(b, "label run starting");
            Replayer.replay(data.activations(), data.labels(), n - 500, n, Replayer.Options.of("m", "wide",
                    group + ".act").withBatchSize(500), sink, x -> { });
            Waits.await(() -> count(a, "label run starting") > beforeA || count(b, "label run starting") > beforeB,
                    Duration.ofSeconds(30), () -> "a run started; A: " + a.logTail(30) + "\nB: " + b.logTail(30));
            owner = count(a, "label run starting") > beforeA ? a : b;
            AnalyzerProcess other = owner == a ? b : a;
            int finished = count(owner, "label run:");
            assertTrue(owner.stop(), "graceful stop of the owner");
            assertEquals(finished, count(owner, "label run:"), "the owner's run was still in flight when it left: "
                    + owner.logTail(20));

            // The other instance runs it over every sample.
            Waits.await(() -> complete(client, group, d, n), Duration.ofSeconds(180),
                    () -> "labels over all " + n + " samples from the remaining instance; " + other.logTail(20));
            assertTrue(other.stop(), "graceful stop of the remaining instance");
        } finally {
            instances.forEach(AnalyzerProcess::close);
        }
        String ownerName = owner.pid() + "";
        List<ConsumerRecord<byte[], byte[]>> labels = TopicReader.records(client, group + ".labels", d,
                Duration.ofSeconds(10));
        for (ConsumerRecord<byte[], byte[]> r : labels) {
            JsonNode l = JSON.readTree(r.value());
            String who = new String(r.headers().lastHeader("neurowatch.instance").value(), StandardCharsets.UTF_8);
            if (who.endsWith("-" + ownerName)) {
                assertTrue(l.get("window_samples").asLong() < n, "the owner published a run over the samples it was "
                        + "labelling when it left: " + l);
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.records(client, group + ".label-events", 1,
                Duration.ofSeconds(10))) {
            JsonNode e = JSON.readTree(r.value());
            JsonNode previous = e.get("previous");
            if (previous != null && !previous.isNull()) {
                assertFalse(previous.get("window_samples").asLong() == e.get("current").get("window_samples").asLong(),
                        "a change without new samples: " + e);
            }
        }
    }

    private static boolean complete(Map<String, Object> client, String group, int d, long n) {
        Map<String, Long> window = new HashMap<>();
        try {
            for (ConsumerRecord<byte[], byte[]> r : TopicReader.records(client, group + ".labels", 1,
                    Duration.ofSeconds(3))) {
                window.put(new String(r.key(), StandardCharsets.UTF_8),
                        JSON.readTree(r.value()).get("window_samples").asLong());
            }
        } catch (Exception e) {
            return false;
        }
        return window.size() == d && window.values().stream().allMatch(w -> w == n);
    }

    private static int count(AnalyzerProcess p, String text) {
        try {
            return (int) Files.readAllLines(p.log()).stream().filter(l -> l.contains(text)).count();
        } catch (Exception e) {
            return 0;
        }
    }
}
