package io.neurowatch.ops.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurowatch.analyzers.synthetic.PlantedConcepts;
import io.neurowatch.connectors.archive.ArchiveWindow;
import io.neurowatch.connectors.archive.StreamArchive;
import io.neurowatch.connectors.archive.WindowSpec;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.KafkaTopics;
import io.neurowatch.connectors.kafka.TopicSpec;
import io.neurowatch.core.state.AurocEstimate;
import io.neurowatch.core.state.StatisticsStore;
import io.neurowatch.core.wire.SampleAnnotation;
import io.neurowatch.core.wire.SampleAnnotationCodec;
import io.neurowatch.ops.kafka.EmbeddedKafka;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.testing.AnalyzerProcess;
import io.neurowatch.ops.testing.TestConfigs;
import io.neurowatch.ops.testing.TopicReader;
import io.neurowatch.ops.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on real analyzer processes sharing one group on a 6-partition topic with one layer per partition: they
 * label as one instance does, each label key has one publisher at a time, and instances killed (SIGKILL) or added
 * mid-stream lose nothing and count nothing twice, annotations included.
 */
@ExtendWith(EmbeddedKafka.class)
class ScaleOutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 6;
    private static final int D = 6;
    private static final int CONCEPTS = 8;

    @TempDir
    Path work;

    /** One layer name per partition: the key {@code m/<layer>} of layer k hashes to partition k. */
    static List<String> layersOnePerPartition() {
        String[] byPartition = new String[PARTITIONS];
        int found = 0;
        for (int i = 0; found < PARTITIONS; i++) {
            String name = "layer" + i;
            int p = Utils.toPositive(Utils.murmur2(("m/" + name).getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (byPartition[p] == null) {
                byPartition[p] = name;
                found++;
            }
        }
        return List.of(byPartition);
    }

    private static Map<String, String> settings(String group) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("group.id", group);
        s.put("partitions", Integer.toString(PARTITIONS));
        s.put("topics.activations", group + ".act");
        s.put("topics.annotations", group + ".ann");
        s.put("topics.labels", group + ".labels");
        s.put("topics.label-events", group + ".events");
        s.put("topics.dead-letters", group + ".dlq");
        s.put("topics.alerts", group + ".alerts");
        s.put("label.every-samples", "0");
        s.put("label.interval", "PT2S");
        s.put("invert.L", "2");
        s.put("invert.min-fraction", "0.01");
        s.put("archive.max-segment-age", "PT1S");
        s.put("streams.session-timeout", "PT6S");
        return s;
    }

    private static void createTopics(Map<String, Object> client, String group) {
        try (KafkaTopics topics = new KafkaTopics(client)) {
            topics.createIfMissing(TopicSpec.of(group + ".act", PARTITIONS)).block(Duration.ofSeconds(30));
            topics.createIfMissing(TopicSpec.of(group + ".ann", PARTITIONS)).block(Duration.ofSeconds(30));
        }
    }

    private static void publish(KafkaRecordSink sink, String topic, List<String> layers, int from, int to, int n)
            throws Exception {
        for (int l = 0; l < layers.size(); l++) {
            PlantedConcepts data = PlantedConcepts.generate(l, n, CONCEPTS, D, 2.5);
            Replayer.replay(data.activations(), null, from, to, Replayer.Options.of("m", layers.get(l), topic),
                    sink, x -> { });
        }
    }

    /** The labels of every neuron of every layer, latest per key, and every label record in order. */
    private static Map<String, JsonNode> latestLabels(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.put(new String(r.key(), StandardCharsets.UTF_8), JSON.readTree(r.value()));
        }
        return out;
    }

    private static boolean complete(Map<String, JsonNode> labels, int layers, long window) {
        return labels.size() == layers * D && labels.values().stream()
                .allMatch(l -> l.get("window_samples").asLong() == window);
    }

    private static String publisher(ConsumerRecord<byte[], byte[]> r) {
        var h = r.headers().lastHeader("neurowatch.instance");
        return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Every instance's API lists the group's six layers and serves each layer's neuron table, the layers it does not
     * own forwarded to their owner: statistics over all n samples, D neurons.
     */
    private static void assertAnyInstanceAnswersForEveryLayer(List<AnalyzerProcess> instances, List<String> layers,
                                                             int n) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (AnalyzerProcess p : instances) {
            java.net.URI base = p.httpBase();
            Map<String, Long> samples = new HashMap<>();
            JsonNode models = JSON.readTree(http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/api/models"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode l : models.get("models").get(0).get("layers")) {
                samples.put(l.get("layer").asText(), l.get("samples").asLong());
            }
            for (String layer : layers) {
                assertEquals(n, samples.getOrDefault(layer, -1L), base + " lists " + layer + " with its samples: "
                        + models);
                var r = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/api/layers/m/" + layer
                        + "/neurons")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), base + " answers for " + layer + ": " + r.body());
                JsonNode rows = JSON.readTree(r.body()).get("neurons");
                assertEquals(D, rows.size());
                assertEquals(n, rows.get(0).get("samples").asLong(), layer + " neuron 0 at " + base);
            }
        }
    }

    /** When an instance owned a task: from its "task 0_p running" log line to "task 0_p closed" (or its kill). */
    private record Ownership(long pid, String task, long from, long to) {
    }

    private static final java.util.regex.Pattern TASK_LINE = java.util.regex.Pattern.compile(
            "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .* task (\\d+_\\d+) (running|closed)");

    /** Every instance's ownership intervals, from its log; {@code killedAt} ends what a kill left open. */
    private static List<Ownership> ownership(List<AnalyzerProcess> instances, Map<Long, Long> killedAt)
            throws Exception {
        List<Ownership> out = new ArrayList<>();
        java.time.LocalDate today = java.time.LocalDate.now();
        for (AnalyzerProcess p : instances) {
            Map<String, Long> open = new HashMap<>();
            for (String line : java.nio.file.Files.readAllLines(p.log())) {
                java.util.regex.Matcher m = TASK_LINE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                long t = java.time.LocalTime.parse(m.group(1)).atDate(today).atZone(java.time.ZoneId.systemDefault())
                        .toInstant().toEpochMilli();
                if (m.group(3).equals("running")) {
                    open.put(m.group(2), t);
                } else if (open.containsKey(m.group(2))) {
                    out.add(new Ownership(p.pid(), m.group(2), open.remove(m.group(2)), t));
                }
            }
            long end = killedAt.getOrDefault(p.pid(), Long.MAX_VALUE);
            open.forEach((task, from) -> out.add(new Ownership(p.pid(), task, from, end)));
        }
        return out;
    }

    /**
     * Every label was published by an instance that owned the layer's task at that moment (with a second of slack
     * for the clocks of log lines and records): one owner at a time, and no zombie after a move.
     */
    private static void assertPublishedByTheOwner(List<ConsumerRecord<byte[], byte[]>> labels, List<String> layers,
                                                  List<Ownership> owners) {
        for (ConsumerRecord<byte[], byte[]> r : labels) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            String layer = key.split("/")[1];
            String task = "0_" + layers.indexOf(layer);
            String who = publisher(r);
            long pid = Long.parseLong(who.substring(who.lastIndexOf('-') + 1));
            boolean owned = owners.stream().anyMatch(o -> o.pid() == pid && o.task().equals(task)
                    && o.from() - 1000 <= r.timestamp() && r.timestamp() - 1000 <= o.to());
            assertTrue(owned, key + " published at " + r.timestamp() + " by " + who + ", which did not own task "
                    + task + " then: " + owners.stream().filter(o -> o.task().equals(task)).toList());
        }
    }

    /** A label change over the same window is no new evidence: only an ownership change could have caused it. */
    private static void assertNoChangeWithoutNewSamples(List<ConsumerRecord<byte[], byte[]>> events)
            throws Exception {
        for (ConsumerRecord<byte[], byte[]> r : events) {
            JsonNode e = JSON.readTree(r.value());
            JsonNode previous = e.get("previous");
            if (previous != null && !previous.isNull()) {
                assertTrue(previous.get("window_samples").asLong() != e.get("current").get("window_samples").asLong(),
                        "a label changed without new samples: " + e);
            }
        }
    }

    private static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        var ends = admin.listOffsets(latest).all().get();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        long lag = 0;
        for (var e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    @Test
    @Timeout(600)
    void threeInstancesLabelSixLayersAsOneInstanceDoes(EmbeddedKafkaBroker broker) throws Exception {
        String group = "so3";
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
        createTopics(client, group);
        List<String> layers = layersOnePerPartition();
        int n = 1500;
        try (KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client))) {
            for (int l = 0; l < layers.size(); l++) {
                PlantedConcepts data = PlantedConcepts.generate(l, n, CONCEPTS, D, 2.5);
                Replayer.replay(data.activations(), data.labels(), Replayer.Options.of("m", layers.get(l),
                        group + ".act"), sink, x -> { });
            }
        }

        // The reference: one instance, in process, over the same activations.
        AnalyzerConfig one = TestConfigs.analyzer(broker, work.resolve("one"), "so1")
                .with(KafkaSettings.ACTIVATIONS, group + ".act").with(KafkaSettings.PARTITIONS, PARTITIONS)
                .with(LabelSettings.LENGTH, 2).with(LabelSettings.MIN_FRACTION, 0.01);
        try (Analyzer single = new Analyzer(one, new SimpleMeterRegistry(), x -> { })) {
            single.start();
            Waits.await(() -> single.sampleCount() == (long) n * layers.size(), Duration.ofSeconds(120),
                    "the single instance took every sample");
            single.labelNow(Duration.ofSeconds(60));
        }
        Map<String, JsonNode> reference = latestLabels(TopicReader.records(client, "so1.labels", layers.size() * D,
                Duration.ofSeconds(30)));
        assertTrue(complete(reference, layers.size(), n), "the reference labelled every neuron: " + reference.size());

        List<AnalyzerProcess> instances = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Map<String, String> s = settings(group);
                s.put("http.port", "0");
                instances.add(AnalyzerProcess.start(broker.bootstrapServers(), work.resolve("i" + i), s));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
            Map<String, JsonNode> labels = Map.of();
            while (!complete(labels, layers.size(), n)) {
                assertTrue(System.nanoTime() < deadline, "labels incomplete: " + labels.size() + "; "
                        + instances.get(0).logTail(30));
                for (AnalyzerProcess p : instances) {
                    assertTrue(p.isAlive(), "instance died: " + p.logTail(40));
                }
                Thread.sleep(2000);
                labels = latestLabels(TopicReader.records(client, group + ".labels", 1, Duration.ofSeconds(5)));
            }
            for (Map.Entry<String, JsonNode> e : reference.entrySet()) {
                assertEquals(e.getValue().get("label").asText(), labels.get(e.getKey()).get("label").asText(),
                        e.getKey() + ": the group labels this neuron as the single instance does");
            }
            List<ConsumerRecord<byte[], byte[]>> all = TopicReader.records(client, group + ".labels", 1,
                    Duration.ofSeconds(10));
            assertPublishedByTheOwner(all, layers, ownership(instances, Map.of()));
            assertTrue(all.stream().map(ScaleOutTest::publisher).distinct().count() >= 2,
                    "the instances shared the work");
            assertNoChangeWithoutNewSamples(TopicReader.records(client, group + ".events", 1,
                    Duration.ofSeconds(10)));
            assertAnyInstanceAnswersForEveryLayer(instances, layers, n);
            for (AnalyzerProcess p : instances) {
                assertTrue(p.stop(), "graceful stop: " + p.logTail(20));
            }
        } finally {
            instances.forEach(AnalyzerProcess::close);
        }
    }

    @Test
    @Timeout(900)
    void killedAndAddedInstancesLoseNothingAndCountNothingTwice(EmbeddedKafkaBroker broker) throws Exception {
        String group = "sok";
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
        createTopics(client, group);
        List<String> layers = layersOnePerPartition();
        int n = 1800;
        // Every even sample gets an annotation with its true concepts: a third before the activations, a third
        // during the moves, a third after.
        List<byte[][]> annotations = new ArrayList<>();
        PlantedConcepts truth = PlantedConcepts.generate(0, n, CONCEPTS, D, 2.5);
        for (int i = 0; i < n; i += 2) {
            List<Integer> ids = new ArrayList<>();
            for (int c = 0; c < CONCEPTS; c++) {
                if (truth.labels().get(i, c)) {
                    ids.add(c);
                }
            }
            SampleAnnotation a = SampleAnnotation.of("m", i, ids.stream().mapToInt(Integer::intValue).toArray());
            annotations.add(new byte[][] {a.key().getBytes(StandardCharsets.UTF_8), SampleAnnotationCodec.encode(a)});
        }
        List<AnalyzerProcess> instances = new ArrayList<>();
        Map<Long, Long> killedAt = new HashMap<>();
        try (KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client)); Admin admin = Admin.create(client)) {
            int third = annotations.size() / 3;
            for (byte[][] a : annotations.subList(0, third)) {
                sink.send(group + ".ann", a[0], a[1], null).block();
            }
            for (int i = 0; i < 3; i++) {
                instances.add(AnalyzerProcess.start(broker.bootstrapServers(), work.resolve("i" + i),
                        settings(group)));
            }
            publish(sink, group + ".act", layers, 0, n / 3, n);
            Thread.sleep(4000);
            killedAt.put(instances.get(0).pid(), System.currentTimeMillis());
            instances.get(0).kill();
            for (byte[][] a : annotations.subList(third, 2 * third)) {
                sink.send(group + ".ann", a[0], a[1], null).block();
            }
            publish(sink, group + ".act", layers, n / 3, 2 * n / 3, n);
            instances.add(AnalyzerProcess.start(broker.bootstrapServers(), work.resolve("i3"), settings(group)));
            Thread.sleep(6000);
            killedAt.put(instances.get(1).pid(), System.currentTimeMillis());
            instances.get(1).kill();
            publish(sink, group + ".act", layers, 2 * n / 3, n, n);
            for (byte[][] a : annotations.subList(2 * third, annotations.size())) {
                sink.send(group + ".ann", a[0], a[1], null).block();
            }

            // The survivors (2 and 3) settle: everything consumed, then labels over every sample within 30 s.
            long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
            while (lag(admin, group, group + ".act") > 0) {
                assertTrue(System.nanoTime() < deadline, "the group did not catch up; " + instances.get(2)
                        .logTail(30));
                Thread.sleep(500);
            }
            long settled = System.currentTimeMillis();
            Map<String, JsonNode> labels = Map.of();
            while (!complete(labels, layers.size(), n)) {
                assertTrue(System.currentTimeMillis() - settled < 30_000, "labels did not resume within 30 s of "
                        + "the group settling: " + labels.size() + " complete");
                Thread.sleep(1000);
                labels = latestLabels(TopicReader.records(client, group + ".labels", 1, Duration.ofSeconds(5)));
            }
            System.out.printf("labels over every sample %.1f s after the group settled%n",
                    (System.currentTimeMillis() - settled) / 1e3);
            assertPublishedByTheOwner(TopicReader.records(client, group + ".labels", 1, Duration.ofSeconds(10)),
                    layers, ownership(instances, killedAt));

            // One instance takes every partition over (its own, and the others' rebuilt from the topic), then
            // stops cleanly: its state must hold every sample once and every annotation once.
            assertTrue(instances.get(3).stop(), "graceful stop of the fourth");
            AnalyzerProcess last = instances.get(2);
            Thread.sleep(8000);
            while (lag(admin, group, group + ".act") > 0) {
                Thread.sleep(500);
            }
            Thread.sleep(3000);
            assertTrue(last.stop(), "graceful stop of the last: " + last.logTail(30));
        } finally {
            instances.forEach(AnalyzerProcess::close);
        }
        for (int l = 0; l < layers.size(); l++) {
            String layer = layers.get(l);
            PlantedConcepts data = PlantedConcepts.generate(l, n, CONCEPTS, D, 2.5);
            Path state = StoppedState.of(work.resolve("i2"), group, "m", layer);
            try (StreamArchive archive = StoppedState.archive(state);
                 StatisticsStore stats = StoppedState.statistics(state);
                 ArchiveWindow w = archive.window("m", layer, WindowSpec.all(), CONCEPTS)) {
                long[] ids = w.sampleIds().clone();
                Arrays.sort(ids);
                assertEquals(n, ids.length, layer + ": every sample archived exactly once");
                for (int i = 0; i < n; i++) {
                    assertEquals(i, ids[i], layer + ": sample ids 0..n-1 without gaps or repeats");
                }
                for (int j = 0; j < D; j++) {
                    assertEquals(n, stats.count("m", layer, j), layer + " neuron " + j + ": each sample once");
                    for (int c = 0; c < CONCEPTS; c++) {
                        long positives = 0;
                        for (int i = 0; i < n; i += 2) {
                            positives += truth.labels().get(i, c) ? 1 : 0;
                        }
                        AurocEstimate est = stats.auroc("m", layer, j, "c" + c);
                        assertEquals(positives, est.positives(), layer + " neuron " + j + " c" + c
                                + ": each annotation counted once");
                    }
                }
            }
        }
    }
}
