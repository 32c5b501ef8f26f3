package io.neurowatch.ops.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurowatch.analyzers.invert.ConceptIndex;
import io.neurowatch.analyzers.invert.InvertExplainer;
import io.neurowatch.analyzers.invert.UnitResult;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.analyzers.synthetic.PlantedConcepts;
import io.neurowatch.connectors.archive.ArchiveWindow;
import io.neurowatch.connectors.archive.StreamArchive;
import io.neurowatch.connectors.archive.WindowSpec;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.TopicSnapshot;
import io.neurowatch.core.LabelMatrix;
import io.neurowatch.core.state.AurocEstimate;
import io.neurowatch.core.state.StatisticsStore;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ActivationBatchCodec;
import io.neurowatch.ops.kafka.EmbeddedKafka;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.stream.ArchiveSettings;
import io.neurowatch.ops.stream.LabelSettings;
import io.neurowatch.ops.testing.TestConfigs;
import io.neurowatch.ops.testing.TopicReader;
import io.neurowatch.ops.testing.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer end to end on a real broker: labels published from the stream equal a batch INVERT run on the same
 * samples; garbage lands in the dead-letter topic and changes no state; a restart reprocesses nothing.
 */
@ExtendWith(EmbeddedKafka.class)
class AnalyzerEndToEndTest {
    @TempDir
    Path work;

    /** The reason header of the first {@code count} dead letters, in order. */
    private static List<String> deadLetterReasons(Map<String, Object> client, String topic, int count) {
        List<String> reasons = new ArrayList<>();
        for (var r : TopicReader.records(client, topic, count, Duration.ofSeconds(30))) {
            reasons.add(new String(r.headers().lastHeader("neurowatch.reason").value(), StandardCharsets.UTF_8));
            String source = new String(r.headers().lastHeader("neurowatch.source").value(), StandardCharsets.UTF_8);
            assertTrue(source.matches(".+-\\d+@\\d+"), "source header is topic-partition@offset: " + source);
        }
        return reasons;
    }

    @Test
    void streamLabelsEqualBatchExplainAndGarbageGoesToTheDeadLetterTopic(EmbeddedKafkaBroker broker)
            throws Exception {
        int n = 3000;
        int d = 6;
        PlantedConcepts data = PlantedConcepts.generate(5, n, 12, d, 2.5);
        AnalyzerConfig cfg = TestConfigs.analyzer(broker, work, "e2e")
                .with(ArchiveSettings.ROWS_PER_SEGMENT, 700)
                .with(LabelSettings.LENGTH, 2).with(LabelSettings.MIN_FRACTION, 0.01);
        List<String> announced = new ArrayList<>();
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());

        try (Analyzer analyzer = new Analyzer(cfg, new SimpleMeterRegistry(), announced::add)) {
            analyzer.start();
            try (KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client))) {
                Replayer.replay(data.activations(), data.labels(), Replayer.Options.of("m", "pool", "e2e.act")
                        .withBatchSize(200).withFeatureShape(2, 3), sink, x -> { });
                byte[] good = ActivationBatchCodec.encode(ActivationBatch.of("m", "1", "pool", new long[] {99_999},
                        d, new float[d]));
                byte[] key = "m/pool".getBytes(StandardCharsets.UTF_8);
                Random rnd = new Random(1);
                byte[] junk = new byte[100];
                rnd.nextBytes(junk);
                sink.send("e2e.act", key, junk, null).block();
                sink.send("e2e.act", key, Arrays.copyOf(good, good.length - 3), null).block();
                // A changed D for a known layer is a schema change.
                sink.send("e2e.act", key, ActivationBatchCodec.encode(ActivationBatch.of("m", "1", "pool",
                        new long[] {99_998}, d + 1, new float[d + 1])), null).block();
                // So is the same D in another feature shape than the layer's first.
                sink.send("e2e.act", key, ActivationBatchCodec.encode(ActivationBatch.of("m", "1", "pool",
                        new long[] {99_997}, d, new float[d]).withFeatureShape(3, 2)), null).block();
            }
            Waits.await(() -> analyzer.recordCount() >= 19, Duration.ofSeconds(60), "all records");
            Waits.await(() -> analyzer.consumerLag() == 0, Duration.ofSeconds(30), "lag 0 after catching up");
            assertEquals(n, analyzer.sampleCount());
            analyzer.labelNow(Duration.ofSeconds(60));
            assertNull(analyzer.failure());
        }

        // Labels on the compacted topic equal batch INVERT on the same samples.
        Map<String, byte[]> published = TopicSnapshot.latestByKey(client, "e2e.labels", Duration.ofSeconds(30));
        assertEquals(d, published.size());
        List<UnitResult> batch = new InvertExplainer(new ConceptIndex(data.labels(),
                io.neurowatch.core.ConceptSet.numbered("c", 12)), cfg.labels().invert(), 256, 2)
                .explainAll(data.activations(), InvertExplainer.ProgressListener.NONE);
        for (byte[] v : published.values()) {
            NeuronLabel l = LabelJson.decode(v);
            UnitResult want = batch.get(l.neuron().neuron());
            assertEquals(want.best().orElseThrow().canonical(), l.label(), "neuron " + l.neuron());
            assertEquals(want.best().orElseThrow().auroc(), l.score(), 1e-12);
            assertEquals(n, l.windowSamples());
        }
        assertTrue(announced.stream().anyMatch(s -> s.startsWith("label run: 6 neurons")), announced.toString());

        // Dead letters carry reasons; state holds exactly the good samples.
        assertEquals(List.of("BAD_MAGIC", "TRUNCATED", "SCHEMA_CHANGE", "SCHEMA_CHANGE"),
                deadLetterReasons(client, "e2e.dlq", 4));
        try (StatisticsStore stats = StoppedState.statistics(cfg, "m", "pool")) {
            assertEquals(n, stats.count("m", "pool", 0));
        }
        try (StreamArchive archive = StoppedState.archive(cfg, "m", "pool");
             ArchiveWindow w = archive.window("m", "pool", WindowSpec.all(), 12)) {
            long[] ids = w.sampleIds().clone();
            Arrays.sort(ids);
            assertEquals(n, ids.length);
            for (int i = 0; i < n; i++) {
                assertEquals(i, ids[i]);
            }
        }

        // A restart finds nothing new to do.
        try (Analyzer again = new Analyzer(cfg, new SimpleMeterRegistry(), s -> { })) {
            again.start();
            Thread.sleep(3000);
            assertEquals(0, again.sampleCount());
            assertNull(again.failure());
        }
    }

    @Test
    void lateLabelsFromTheAnnotationsTopicAreJoinedBySampleId(EmbeddedKafkaBroker broker) throws Exception {
        int n = 2000;
        int d = 4;
        PlantedConcepts data = PlantedConcepts.generate(9, n, 10, d, 2.5);
        AnalyzerConfig cfg = TestConfigs.analyzer(broker, work.resolve("late"), "late")
                .with(LabelSettings.LENGTH, 2).with(LabelSettings.MIN_FRACTION, 0.01);
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
        // Every 10th sample never gets an annotation: it must count as unmatched and carry no concept.
        io.neurowatch.core.LabelMatrix.Builder expected = io.neurowatch.core.LabelMatrix.builder(n, 10);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (Analyzer analyzer = new Analyzer(cfg, metrics, s -> { });
             KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client))) {
            analyzer.start();
            Replayer.replay(data.activations(), null, Replayer.Options.of("m", "pool", "late.act").withBatchSize(250), sink, x -> { });
            // The activations first: a late annotation joins the histograms only while its sample is recent.
            Waits.await(() -> analyzer.sampleCount() == n, Duration.ofSeconds(60), "activations");
            List<reactor.core.publisher.Mono<?>> sends = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (i % 10 == 9) {
                    continue;
                }
                List<Integer> ids = new ArrayList<>();
                for (int c = 0; c < 10; c++) {
                    if (data.labels().get(i, c)) {
                        ids.add(c);
                        expected.set(i, c);
                    }
                }
                io.neurowatch.core.wire.SampleAnnotation a = io.neurowatch.core.wire.SampleAnnotation.of("m", i,
                        ids.stream().mapToInt(Integer::intValue).toArray());
                sends.add(sink.send("late.ann", a.key().getBytes(StandardCharsets.UTF_8),
                        io.neurowatch.core.wire.SampleAnnotationCodec.encode(a), null));
            }
            sink.send("late.ann", "m/x".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, null).block();
            reactor.core.publisher.Flux.concat(sends).blockLast();
            Waits.await(() -> metrics.counter("neurowatch.annotations.late", "joined", "matched").count()
                    == n - n / 10, Duration.ofSeconds(60), "late annotations joined");
            analyzer.labelNow(Duration.ofSeconds(60));
            assertEquals(n / 10, analyzer.unmatchedSamples());
            assertNull(analyzer.failure());
        }
        List<UnitResult> batch = new InvertExplainer(new ConceptIndex(expected.build(),
                io.neurowatch.core.ConceptSet.numbered("c", 10)), cfg.labels().invert(), 256, 2)
                .explainAll(data.activations(), InvertExplainer.ProgressListener.NONE);
        Map<String, byte[]> published = TopicSnapshot.latestByKey(client, "late.labels", Duration.ofSeconds(30));
        assertEquals(d, published.size());
        for (byte[] v : published.values()) {
            NeuronLabel l = LabelJson.decode(v);
            assertEquals(batch.get(l.neuron().neuron()).best().orElseThrow().canonical(), l.label());
        }
        assertEquals(List.of("BAD_MAGIC"), deadLetterReasons(client, "late.dlq", 1));

        // A restart re-reads nothing into the histograms: the annotation offsets are stored with them.
        try (Analyzer again = new Analyzer(cfg, new SimpleMeterRegistry(), s -> { })) {
            again.start();
            Thread.sleep(3000);
            assertNull(again.failure());
        }
        // The late labels reached the concept histograms, each annotated sample once, and not the sketches.
        LabelMatrix truth = expected.build();
        double[][] columns = data.activations().readColumns(0, d);
        try (StatisticsStore stats = StoppedState.statistics(cfg, "m", "pool")) {
            for (int j = 0; j < d; j++) {
                assertEquals(n, stats.count("m", "pool", j), "sketch count of neuron " + j);
                for (int c = 0; c < 10; c++) {
                    AurocEstimate est = stats.auroc("m", "pool", j, "c" + c);
                    long positives = 0;
                    List<Double> pos = new ArrayList<>();
                    List<Double> neg = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        if (i % 10 == 9) {
                            continue;
                        }
                        (truth.get(i, c) ? pos : neg).add(columns[j][i]);
                        positives += truth.get(i, c) ? 1 : 0;
                    }
                    assertEquals(positives, est.positives(), "positives of neuron " + j + ", c" + c);
                    assertTrue(est.positives() + est.negatives() <= n - n / 10, est.toString());
                    double exact = exactAuroc(pos, neg);
                    assertTrue(Math.abs(exact - est.auroc()) <= est.errorBound() + 0.05,
                            "neuron " + j + ", c" + c + ": exact " + exact + " vs " + est);
                }
            }
        }
    }

    @Test
    void annotationsThatComeBeforeTheirActivationsReachTheHistogramsWhenTheyArrive(EmbeddedKafkaBroker broker)
            throws Exception {
        int n = 1000;
        int d = 3;
        PlantedConcepts data = PlantedConcepts.generate(5, n, 6, d, 2.5);
        AnalyzerConfig cfg = TestConfigs.analyzer(broker, work.resolve("early"), "early")
                .with(LabelSettings.LENGTH, 2).with(LabelSettings.MIN_FRACTION, 0.01);
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (Analyzer analyzer = new Analyzer(cfg, metrics, s -> { });
             KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client))) {
            analyzer.start();
            // Even samples are annotated before any activation arrives: in the annotation table, joined to nothing.
            annotate(sink, "early.ann", data, 0, n);
            Waits.await(() -> metrics.get("neurowatch.annotations.table").gauge().value() == n / 2,
                    Duration.ofSeconds(60), "early annotations in the table");
            Replayer.replay(data.activations(), null, Replayer.Options.of("m", "pool", "early.act"), sink, x -> { });
            Waits.await(() -> analyzer.sampleCount() == n, Duration.ofSeconds(60), "activations");
            // Joined with their activations: on arrival if the join had passed them already, else by the next pass.
            Waits.await(() -> joined(metrics) == n / 2, Duration.ofSeconds(60),
                    "early annotations joined with their activations");
            // Odd samples are annotated afterwards (the late path); the even ones again, which must not count twice
            // (they find their samples counted).
            annotate(sink, "early.ann", data, 1, n);
            annotate(sink, "early.ann", data, 0, n);
            Waits.await(() -> joined(metrics) == n + n / 2, Duration.ofSeconds(60), "late annotations joined");
            assertNull(analyzer.failure());
        }
        assertEveryLabelCountedOnce(cfg, data, d);
    }

    @Test
    void aLabelRunAfterARestartReadsTheArchivedInlineLabels(EmbeddedKafkaBroker broker) throws Exception {
        int n = 1200;
        PlantedConcepts data = PlantedConcepts.generate(7, n, 8, 3, 2.5);
        AnalyzerConfig cfg = TestConfigs.analyzer(broker, work.resolve("rl"), "rl")
                .with(LabelSettings.LENGTH, 2).with(LabelSettings.MIN_FRACTION, 0.01);
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
        Map<String, String> before = new java.util.TreeMap<>();
        try (Analyzer analyzer = new Analyzer(cfg, new SimpleMeterRegistry(), s -> { });
             KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client))) {
            analyzer.start();
            Replayer.replay(data.activations(), data.labels(), Replayer.Options.of("m", "pool", "rl.act"), sink, x -> { });
            Waits.await(() -> analyzer.sampleCount() == n, Duration.ofSeconds(60), "activations");
            analyzer.labelNow(Duration.ofSeconds(60));
            assertNull(analyzer.failure());
        }
        for (Map.Entry<String, byte[]> e : TopicSnapshot.latestByKey(client, "rl.labels", Duration.ofSeconds(30))
                .entrySet()) {
            before.put(e.getKey(), LabelJson.decode(e.getValue()).label());
        }
        assertEquals(3, before.size());
        // Restarted, with nothing new on the topic: a task that starts with data labels once by itself, and the
        // run reads the concepts of the archived inline labels.
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (Analyzer again = new Analyzer(cfg, metrics, s -> { })) {
            again.start();
            again.labelNow(Duration.ofSeconds(60));
            assertNull(again.failure());
            assertTrue(metrics.counter("neurowatch.label.runs").count() >= 1, "label runs after the restart");
        }
        Map<String, String> after = new java.util.TreeMap<>();
        for (Map.Entry<String, byte[]> e : TopicSnapshot.latestByKey(client, "rl.labels", Duration.ofSeconds(30))
                .entrySet()) {
            after.put(e.getKey(), LabelJson.decode(e.getValue()).label());
        }
        assertEquals(before, after);
    }

    @Test
    void annotationsAfterARestartJoinSamplesFromBeforeItAndCountOnce(EmbeddedKafkaBroker broker) throws Exception {
        int n = 800;
        int d = 3;
        PlantedConcepts data = PlantedConcepts.generate(11, n, 5, d, 2.5);
        AnalyzerConfig cfg = TestConfigs.analyzer(broker, work.resolve("rs"), "rs")
                .with(LabelSettings.LENGTH, 2).with(LabelSettings.MIN_FRACTION, 0.01);
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
        SimpleMeterRegistry before = new SimpleMeterRegistry();
        try (Analyzer analyzer = new Analyzer(cfg, before, s -> { });
             KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client))) {
            analyzer.start();
            Replayer.replay(data.activations(), null, Replayer.Options.of("m", "pool", "rs.act"), sink, x -> { });
            Waits.await(() -> analyzer.sampleCount() == n, Duration.ofSeconds(60), "activations");
            annotate(sink, "rs.ann", data, 0, n); // even samples, before the restart
            Waits.await(() -> before.counter("neurowatch.annotations.late", "joined", "matched").count() == n / 2,
                    Duration.ofSeconds(60), "even annotations joined");
        }
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (Analyzer again = new Analyzer(cfg, metrics, s -> { });
             KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client))) {
            again.start();
            // Odd samples after the restart: their activations came before it, from the archive now. The even
            // ones again: already counted before the restart, so they must not count twice.
            annotate(sink, "rs.ann", data, 1, n);
            annotate(sink, "rs.ann", data, 0, n);
            Waits.await(() -> metrics.counter("neurowatch.annotations.late", "joined", "matched").count() == n,
                    Duration.ofSeconds(60), "annotations after the restart joined");
            assertEquals(0.0, metrics.counter("neurowatch.annotations.late", "joined", "unmatched").count());
            assertNull(again.failure());
        }
        assertEveryLabelCountedOnce(cfg, data, d);
    }

    /**
     * Every sample's labels reached the histograms exactly once: the sketches counted each sample once and the
     * positives are exact per (neuron, concept).
     */
    private static void assertEveryLabelCountedOnce(AnalyzerConfig cfg, PlantedConcepts data, int d)
            throws IOException {
        int n = data.labels().rows();
        try (StatisticsStore stats = StoppedState.statistics(cfg, "m", "pool")) {
            for (int j = 0; j < d; j++) {
                assertEquals(n, stats.count("m", "pool", j), "sketch count of neuron " + j);
                for (int c = 0; c < data.labels().concepts(); c++) {
                    long positives = 0;
                    for (int i = 0; i < n; i++) {
                        positives += data.labels().get(i, c) ? 1 : 0;
                    }
                    AurocEstimate est = stats.auroc("m", "pool", j, "c" + c);
                    assertEquals(positives, est.positives(), "positives of neuron " + j + ", c" + c);
                    assertTrue(est.positives() + est.negatives() <= n, est.toString());
                }
            }
        }
    }

    /** Annotations that found their sample: with its record (early) or in the join window (matched). */
    private static double joined(SimpleMeterRegistry metrics) {
        return metrics.counter("neurowatch.annotations.late", "joined", "early").count()
                + metrics.counter("neurowatch.annotations.late", "joined", "matched").count();
    }

    /** Sends the annotations (true concepts) of samples {@code first}, {@code first + 2}, ... below {@code n}. */
    private static void annotate(KafkaRecordSink sink, String topic, PlantedConcepts data, int first, int n) {
        List<reactor.core.publisher.Mono<?>> sends = new ArrayList<>();
        for (int i = first; i < n; i += 2) {
            List<Integer> ids = new ArrayList<>();
            for (int c = 0; c < data.labels().concepts(); c++) {
                if (data.labels().get(i, c)) {
                    ids.add(c);
                }
            }
            io.neurowatch.core.wire.SampleAnnotation a = io.neurowatch.core.wire.SampleAnnotation.of("m", i,
                    ids.stream().mapToInt(Integer::intValue).toArray());
            sends.add(sink.send(topic, a.key().getBytes(StandardCharsets.UTF_8),
                    io.neurowatch.core.wire.SampleAnnotationCodec.encode(a), null));
        }
        reactor.core.publisher.Flux.concat(sends).blockLast();
    }

    /** Mann-Whitney AUROC, ties one half. */
    private static double exactAuroc(List<Double> pos, List<Double> neg) {
        double wins = 0;
        for (double p : pos) {
            for (double q : neg) {
                wins += p > q ? 1 : p == q ? 0.5 : 0;
            }
        }
        return wins / ((double) pos.size() * neg.size());
    }
}
