package io.neurowatch.ops.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.analyzers.synthetic.PlantedConcepts;
import io.neurowatch.connectors.archive.ArchiveWindow;
import io.neurowatch.connectors.archive.StreamArchive;
import io.neurowatch.connectors.archive.WindowSpec;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.KafkaTopics;
import io.neurowatch.connectors.kafka.TopicSpec;
import io.neurowatch.core.state.StatisticsStore;
import io.neurowatch.ops.kafka.EmbeddedKafka;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: the analyzer runs as a child JVM ({@code neurowatch serve}) and is killed with SIGKILL at random
 * points of a stream, several times, with the broker restarted once mid-stream. Afterwards every sample id is in the
 * archive exactly once and the statistics counted every sample exactly once.
 */
@ExtendWith(EmbeddedKafka.class)
class AnalyzerCrashTest {
    private static final String TOPIC = "crash.act";
    private static final String GROUP = "crash";

    @TempDir
    Path work;

    private Process startChild(String bootstrap) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.neurowatch.ops.cli.Neurowatch", "serve", "--bootstrap-servers", bootstrap,
                "--work-dir", work.resolve("analyzer").toString(),
                "--set", "topics.activations=" + TOPIC, "--set", "group.id=" + GROUP,
                "--set", "label.every-samples=0", "--set", "label.interval=off",
                "--set", "archive.rows-per-segment=700", "--set", "archive.max-segment-age=PT1S"));
        for (String t : new String[] {"annotations", "labels", "label-events", "dead-letters", "alerts"}) {
            cmd.addAll(List.of("--set", "topics." + t + "=crash." + t));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("child.log").toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        return pb.start();
    }

    private static long lag(Admin admin, List<TopicPartition> parts) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        parts.forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(latest).all().get();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get();
        long lag = 0;
        for (TopicPartition p : parts) {
            OffsetAndMetadata c = committed.get(p);
            lag += end.get(p).offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    @Test
    void killedAnalyzerLosesNothingAndCountsNothingTwice(EmbeddedKafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        Map<String, Object> client = new HashMap<>(Map.of("bootstrap.servers", bootstrap));
        try (KafkaTopics topics = new KafkaTopics(client)) {
            topics.createIfMissing(TopicSpec.of(TOPIC, 3)).block(Duration.ofSeconds(30));
        }
        int n = 12_000;
        String[] layers = {"conv", "pool", "fc"};
        Random rnd = new Random(42);
        List<Process> children = new ArrayList<>();
        try (KafkaRecordSink sink = new KafkaRecordSink(client)) {
            Process child = startChild(bootstrap);
            children.add(child);
            for (int round = 0; round < 4; round++) {
                // Publish a quarter of every layer, then kill the analyzer at a random moment while it consumes.
                for (int l = 0; l < layers.length; l++) {
                    PlantedConcepts data = PlantedConcepts.generate(l, n, 8, 32, 2.0);
                    int from = round * n / 4;
                    int to = (round + 1) * n / 4;
                    Replayer.replay(data.activations(), data.labels(), from, to,
                            Replayer.Options.of("m", layers[l], TOPIC).withBatchSize(50), sink, x -> { });
                }
                Thread.sleep(500 + rnd.nextInt(2500));
                child.destroyForcibly().waitFor();
                if (round == 1) {
                    broker.stop();
                    broker.start();
                }
                child = startChild(bootstrap);
                children.add(child);
            }
            List<TopicPartition> parts = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                    new TopicPartition(TOPIC, 2));
            try (Admin admin = Admin.create(client)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (lag(admin, parts) > 0) {
                    assertTrue(System.nanoTime() < deadline, "analyzer did not catch up; see " + work
                            .resolve("child.log"));
                    assertTrue(child.isAlive(), "analyzer died; see " + work.resolve("child.log"));
                    Thread.sleep(250);
                }
            }
            child.destroy();
            assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "graceful stop");
        } finally {
            children.forEach(Process::destroyForcibly);
        }

        for (String layer : layers) {
            Path state = StoppedState.of(work.resolve("analyzer"), GROUP, "m", layer);
            try (StreamArchive archive = StoppedState.archive(state);
                 StatisticsStore stats = StoppedState.statistics(state)) {
                try (ArchiveWindow w = archive.window("m", layer, WindowSpec.all(), 8)) {
                    long[] ids = w.sampleIds().clone();
                    Arrays.sort(ids);
                    assertEquals(n, ids.length, layer + ": every sample archived exactly once");
                    for (int i = 0; i < n; i++) {
                        assertEquals(i, ids[i], layer + ": sample ids are 0..n-1 without gaps or repeats");
                    }
                }
                for (int neuron : new int[] {0, 31}) {
                    assertEquals(n, stats.count("m", layer, neuron), layer + " neuron " + neuron
                            + ": statistics saw every sample once");
                }
            }
        }
    }
}
