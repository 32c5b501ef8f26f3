package io.neurowatch.ops.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurowatch.analyzers.artifacts.ArtifactDetector;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.core.InMemoryActivations;
import io.neurowatch.ops.kafka.EmbeddedKafka;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.stream.LabelSettings;
import io.neurowatch.ops.testing.TestConfigs;
import io.neurowatch.ops.testing.TopicReader;
import io.neurowatch.ops.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * Artifact alerts on a real broker: a detector neuron whose activation jumps on artifact samples raises alerts for
 * exactly those samples (precision and recall measured), DORA-reported neurons become detectors with an
 * infected-neuron alert, and detectors with their frozen thresholds survive a restart.
 */
@ExtendWith(EmbeddedKafka.class)
class ArtifactAlertStreamTest {

    @TempDir
    Path work;

    @Test
    void detectorNeuronsRaiseAlertsForArtifactSamplesAndSurviveRestart(EmbeddedKafkaBroker broker) throws Exception {
        int d = 8;
        int clean = 2000;
        int mixed = 4000;
        int neuron = 5;
        Random rnd = new Random(11);
        float[] rows = new float[(clean + mixed) * d];
        Set<Long> stamped = new HashSet<>();
        for (int i = 0; i < clean + mixed; i++) {
            for (int j = 0; j < d; j++) {
                rows[i * d + j] = (float) rnd.nextGaussian();
            }
            if (i >= clean && rnd.nextDouble() < 0.05) {
                // An artifact: the detector neuron fires well above its usual range (as an infected channel does).
                rows[i * d + neuron] += 5f;
                stamped.add(1_000L + i);
            }
        }
        InMemoryActivations data = InMemoryActivations.ofFloats(clean + mixed, d, rows, "planted");
        AnalyzerConfig cfg = TestConfigs.analyzer(broker, work, "al")
                .with(LabelSettings.LENGTH, 1).with(LabelSettings.BEAM, 1)
                .with(AlertSettings.DETECTORS, List.of(new ArtifactDetector("m", "pool", neuron)))
                .with(AlertSettings.PERCENTILE, 0.999).with(AlertSettings.THRESHOLD, "reference")
                .with(AlertSettings.REFERENCE_SAMPLES, 1500L).with(AlertSettings.REFRESH, Duration.ofMillis(200));
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
        Replayer.Options opts = Replayer.Options.of("m", "pool", "al.act").withBatchSize(50)
                .withFirstSampleId(1_000);
        List<String> live = new CopyOnWriteArrayList<>();

        try (Analyzer analyzer = new Analyzer(cfg, new SimpleMeterRegistry(), x -> { });
             KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client))) {
            analyzer.start();
            Disposable sub = analyzer.events().subscribe(live::add);
            // A clean reference window first; its 99.9th percentile becomes the frozen threshold.
            Replayer.replay(data, null, 0, clean, opts, sink, x -> { });
            Waits.await(() -> analyzer.detectorStates().get(0).frozen(), Duration.ofSeconds(60), "threshold frozen");
            double threshold = analyzer.detectorStates().get(0).threshold();
            assertTrue(threshold > 2.5 && threshold < 4.0, "99.9th percentile of N(0,1) ≈ 3.09: " + threshold);

            Replayer.replay(data, null, clean, clean + mixed, opts, sink, x -> { });
            Waits.await(() -> analyzer.sampleCount() >= clean + mixed, Duration.ofSeconds(60), "all samples");
            assertNull(analyzer.failure());

            // DORA reports two infected neurons of the layer: alerts, and they become detectors.
            analyzer.reportInfected("m", "1", "pool", List.of(neuron, 2), new double[] {-3.1, -1.9});
            assertEquals(2, analyzer.detectorStates().size());
            Waits.await(() -> live.stream().filter(s -> s.contains("infected_neuron")).count() == 2,
                    Duration.ofSeconds(10), "infected alerts on the event stream");
            sub.dispose();
        }

        List<JsonNode> alerts = TopicReader.json(client, "al.alerts", stamped.size());
        Set<Long> alerted = new HashSet<>();
        List<Long> latencies = new ArrayList<>();
        int infected = 0;
        for (JsonNode a : alerts) {
            if (a.get("type").asText().equals("infected_neuron")) {
                infected++;
                assertEquals("dora", a.get("method").asText());
                continue;
            }
            assertEquals("artifact", a.get("type").asText());
            assertEquals(neuron, a.get("neuron").asInt());
            assertEquals(0.999, a.get("percentile").asDouble());
            assertTrue(a.get("activation").asDouble() > a.get("threshold").asDouble());
            assertTrue(a.get("source").asText().startsWith("al.act-"));
            alerted.add(a.get("sample_id").asLong());
            latencies.add(a.get("time").asLong() - a.get("sample_time").asLong());
        }
        assertEquals(2, infected);
        Set<Long> hits = new HashSet<>(alerted);
        hits.retainAll(stamped);
        double precision = hits.size() / (double) alerted.size();
        double recall = hits.size() / (double) stamped.size();
        latencies.sort(null);
        System.out.printf("artifact alerts: %d stamped, %d alerted, precision %.3f, recall %.3f, "
                        + "producer-to-alert latency p50 %d ms, max %d ms%n", stamped.size(), alerted.size(),
                precision, recall, latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1));
        assertTrue(precision >= 0.9, "precision " + precision);
        assertTrue(recall >= 0.8, "recall " + recall);

        // Restart: DORA's detectors and the frozen threshold are still there (on the detectors topic).
        assertTrue(TopicReader.records(client, "al.detectors", 2, Duration.ofSeconds(20)).stream()
                .anyMatch(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains("dora m@1")));
        try (Analyzer again = new Analyzer(cfg, new SimpleMeterRegistry(), x -> { })) {
            again.start();
            ArtifactDetector configured = new ArtifactDetector("m", "pool", neuron);
            Waits.await(() -> again.detectorStates().stream().anyMatch(st -> st.detector().equals(configured)
                            && st.frozen()), Duration.ofSeconds(60), "the detectors back, the threshold still frozen");
            Map<ArtifactDetector, String> origins = new HashMap<>();
            again.detectorStates().forEach(st -> origins.put(st.detector(), st.origin()));
            assertEquals(Map.of(configured, "config", new ArtifactDetector("m", "pool", 2), "dora m@1"), origins);
        }
    }
}
