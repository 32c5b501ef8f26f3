package io.neurowatch.ops.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurowatch.analyzers.clipdissect.ClipDissector;
import io.neurowatch.analyzers.clipdissect.DenseConceptSimilarity;
import io.neurowatch.analyzers.clipdissect.DissectOutput;
import io.neurowatch.analyzers.clipdissect.DissectParams;
import io.neurowatch.analyzers.clipdissect.SimilarityFunction;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.TopicSnapshot;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ActivationBatchCodec;
import io.neurowatch.ops.kafka.EmbeddedKafka;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.stream.LabelSettings;
import io.neurowatch.ops.testing.TestConfigs;
import io.neurowatch.ops.testing.Waits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * Streaming CLIP-Dissect on a real broker: batches carrying similarity rows feed per-neuron top-k heaps; the
 * descriptions published next to the INVERT labels equal a batch CLIP-Dissect run over every sample, across a
 * restart of the analyzer in the middle of the stream.
 */
@ExtendWith(EmbeddedKafka.class)
class ClipDissectStreamTest {
    @TempDir
    Path work;

    @Test
    void streamedDescriptionsEqualBatchDissectAcrossARestart(EmbeddedKafkaBroker broker) throws Exception {
        int n = 1200;
        int d = 5;
        int c = 12;
        Random rnd = new Random(21);
        float[] acts = new float[n * d];
        float[] sims = new float[n * c];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                acts[i * d + k] = (float) Math.max(0, rnd.nextGaussian());
            }
            for (int m = 0; m < c; m++) {
                // Concept 2k+1 rises with neuron k: each neuron has a planted description.
                double planted = m % 2 == 1 && m / 2 < d ? 0.08 * acts[i * d + m / 2] : 0;
                sims[i * c + m] = (float) (0.2 + 0.1 * rnd.nextDouble() + planted);
            }
        }
        List<String> concepts = new ArrayList<>();
        for (int m = 0; m < c; m++) {
            concepts.add("concept-" + m);
        }
        DissectParams params = DissectParams.defaults(SimilarityFunction.SOFT_WPMI).withTopK(30);
        Path conceptFile = Files.write(work.resolve("clip-concepts.txt"), concepts);
        AnalyzerConfig cfg = TestConfigs.analyzer(broker, work, "cd")
                .with(LabelSettings.LENGTH, 1).with(LabelSettings.BEAM, 1)
                .with(ClipSettings.FUNCTION, "soft_wpmi").with(ClipSettings.TOP_K, params.topK())
                .with(ClipSettings.CONCEPTS, conceptFile);
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
        byte[] key = "m/fc".getBytes(StandardCharsets.UTF_8);

        try (KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client))) {
            for (int part = 0; part < 2; part++) {
                try (Analyzer analyzer = new Analyzer(cfg, new SimpleMeterRegistry(), x -> { })) {
                    analyzer.start();
                    int from = part * n / 2;
                    for (int b = from; b < from + n / 2; b += 50) {
                        long[] ids = new long[50];
                        for (int i = 0; i < 50; i++) {
                            ids[i] = 7_000 + b + i;
                        }
                        ActivationBatch batch = ActivationBatch.of("m", "1", "fc", ids, d,
                                Arrays.copyOfRange(acts, b * d, (b + 50) * d))
                                .withSimilarities(Arrays.copyOfRange(sims, b * c, (b + 50) * c));
                        sink.send("cd.act", key, ActivationBatchCodec.encode(batch), null).block();
                    }
                    long want = (part + 1L) * n / 2;
                    Waits.await(() -> analyzer.sampleCount() >= n / 2, Duration.ofSeconds(60), "part " + part);
                    analyzer.labelNow(Duration.ofSeconds(60));
                    assertNull(analyzer.failure());
                    assertEquals(want, analyzer.currentLabels().stream()
                            .filter(l -> l.method().equals("clip-dissect")).findFirst().orElseThrow()
                            .windowSamples(), "the heaps saw every sample once, across the restart");
                }
            }
        }

        double[][] units = new double[d][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                units[k][i] = acts[i * d + k];
            }
        }
        DissectOutput batch = new ClipDissector(params, 1).dissect(DenseConceptSimilarity.of(n, c, sims, "all"),
                units, concepts);
        Map<String, byte[]> published = TopicSnapshot.latestByKey(client, "cd.labels", Duration.ofSeconds(30));
        int clipLabels = 0;
        for (byte[] v : published.values()) {
            NeuronLabel l = LabelJson.decode(v);
            if (!l.method().equals("clip-dissect")) {
                continue;
            }
            clipLabels++;
            int k = l.neuron().neuron();
            assertEquals("concept-" + (2 * k + 1), l.label(), "planted description of neuron " + k);
            assertEquals(batch.results().get(k).best().concept(), l.label());
            assertEquals(batch.results().get(k).best().score(), l.score(), 1e-9);
        }
        assertEquals(d, clipLabels);
    }
}
