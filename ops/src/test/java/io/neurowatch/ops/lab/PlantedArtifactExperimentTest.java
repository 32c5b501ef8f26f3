package io.neurowatch.ops.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurowatch.analyzers.artifacts.ArtifactDetector;
import io.neurowatch.analyzers.artifacts.DetectorBank;
import io.neurowatch.analyzers.dora.DoraPipeline;
import io.neurowatch.analyzers.invert.ConceptIndex;
import io.neurowatch.analyzers.invert.Explanation;
import io.neurowatch.analyzers.invert.InvertExplainer;
import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.analyzers.invert.UnitResult;
import io.neurowatch.analyzers.synthetic.ImageSet;
import io.neurowatch.analyzers.synthetic.ProceduralImages;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.model.ActivationPublisher;
import io.neurowatch.connectors.model.SmallCnn;
import io.neurowatch.connectors.model.TappedModel;
import io.neurowatch.core.InMemoryActivations;
import io.neurowatch.ops.kafka.EmbeddedKafka;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.stream.AlertSettings;
import io.neurowatch.ops.stream.Analyzer;
import io.neurowatch.ops.stream.AnalyzerConfig;
import io.neurowatch.ops.stream.DoraReport;
import io.neurowatch.ops.stream.LabelSettings;
import io.neurowatch.ops.stream.ModelSettings;
import io.neurowatch.ops.testing.TestConfigs;
import io.neurowatch.ops.testing.TopicReader;
import io.neurowatch.ops.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's ground truth, end to end on real components: a small CNN trained with DJL on procedural images whose
 * artifact class carries a watermark glyph on half its training images, and a control trained without it.
 * (a) the watermark infects channels of the model (clean-vs-stamped sensitivity ≥ 0.9 on held-out copies) and
 * none of the control; (b) INVERT labels the most sensitive channel with the watermark concept; (c) the analyzer
 * holding the model runs DORA when the model registers and flags what the offline DORA run ranks first (one code
 * path, one seed); (d) a detector on the most sensitive channel raises artifact alerts on a replayed held-out stream
 * with precision ≥ 0.9 and recall ≥ 0.8.
 *
 * <p>Whether DORA's first channel is an infected one is measured and printed, not asserted: on this model it is not
 * (rank of the most sensitive channel and DORA's top 3 with their sensitivities in the output; docs/dora.md).
 */
@ExtendWith(EmbeddedKafka.class)
class PlantedArtifactExperimentTest {
    private static final long SEED = 1;

    @TempDir
    Path work;

    @Test
    void watermarkIsLabelledAndAlertedInTheStreamAndTheStreamingDoraIsTheOfflineOne(EmbeddedKafkaBroker broker)
            throws Exception {
        ProceduralImages gen = new ProceduralImages(ProceduralImages.Params.defaults());
        ImageSet clean = gen.generate(SEED + 100, 400, 0);
        ImageSet stamped = gen.stampAll(clean, SEED + 200);
        ArtifactLab.Params p = ArtifactLab.Params.defaults(SEED);
        Path modelFile = work.resolve("lab.nwcnn");

        // Control: trained without the artifact, no channel tells stamped from clean.
        try (TappedModel control = ArtifactLab.train(gen, p.withArtifactFraction(0), line -> { })) {
            ArtifactLab.GroundTruth gt = ArtifactLab.groundTruth(control, clean, stamped, p.layer());
            System.out.printf("control: best clean-vs-stamped sensitivity %.3f%n", gt.bestSensitivity());
            assertEquals(0, gt.infected().length, "the control has no infected channel");
        }

        int top;
        int watermarkChannel;
        try (TappedModel model = ArtifactLab.train(gen, p, System.out::println)) {
            ArtifactLab.GroundTruth gt = ArtifactLab.groundTruth(model, clean, stamped, p.layer());
            assertTrue(gt.infected().length > 0, "the watermark infected some channel");
            watermarkChannel = gt.infected()[0];

            // DORA without data: measured, not asserted (see the class comment).
            DoraPipeline.Outcome dora = ArtifactLab.dora(model, p, work.resolve("sams"));
            int[] ranking = dora.result().ranking();
            List<String> top3 = new ArrayList<>();
            int rankOfWatermark = -1;
            for (int i = 0; i < ranking.length; i++) {
                int ch = dora.channel(ranking[i]);
                if (i < 3) {
                    top3.add(ch + (gt.isInfected(ch) ? "*" : "") + String.format("(d=%.3f)",
                            gt.channels().get(ch).sensitivity()));
                }
                if (ch == watermarkChannel) {
                    rankOfWatermark = i + 1;
                }
            }
            System.out.printf("infected channels %s; DORA top 3 %s; flagged %s; the most sensitive channel %d is "
                    + "DORA's rank %d of %d%n", Arrays.toString(gt.infected()), top3,
                    Arrays.toString(dora.flaggedChannels()), watermarkChannel, rankOfWatermark, ranking.length);
            top = dora.channel(ranking[0]);

            // (b) INVERT on held-out images with their concepts: the infected channel's label is the watermark.
            ImageSet probe = mixed(clean, stamped);
            double[][] acts = ArtifactLab.activations(model, probe, p.layer());
            UnitResult r = new InvertExplainer(new ConceptIndex(probe.labels(), probe.concepts()),
                    InvertParams.of(1, 1), 256, 2).explainAll(InMemoryActivations.ofColumn(acts[watermarkChannel]),
                    InvertExplainer.ProgressListener.NONE).get(0);
            Explanation e = r.best().orElseThrow();
            System.out.printf("INVERT channel %d: %s AUROC %.3f%n", watermarkChannel, e.readable(probe.concepts()),
                    e.auroc());
            assertEquals(ProceduralImages.WATERMARK, e.readable(probe.concepts()));
            assertTrue(e.auroc() >= 0.9, "AUROC " + e.auroc());
            SmallCnn.save(model, modelFile);
        }

        // (c, d) The analyzer holds the model and runs DORA when it registers; the watermark channel is a detector
        // from the start. Both detectors alert; (d) is measured on the watermark channel's alerts.
        ArtifactDetector named = new ArtifactDetector("lab", p.layer(), watermarkChannel);
        AnalyzerConfig cfg = TestConfigs.analyzer(broker, work.resolve("analyzer"), "lab")
                .with(LabelSettings.LENGTH, 1).with(LabelSettings.BEAM, 1)
                .with(AlertSettings.DETECTORS, List.of(named))
                .with(AlertSettings.PERCENTILE, 0.998).with(AlertSettings.THRESHOLD, "reference")
                .with(AlertSettings.REFERENCE_SAMPLES, 1000L).with(AlertSettings.REFRESH, Duration.ofMillis(200))
                .with(v -> v.with(ModelSettings.PATH, modelFile).with(ModelSettings.ID, "lab")
                        .with(ModelSettings.LAYER, p.layer()))
                .with(ModelSettings.INPUT_SCALING, "unit")
                .with(ModelSettings.ITERS, p.samsIters()).with(ModelSettings.LR, p.samsLr())
                .with(ModelSettings.SEED, SEED);
        ImageSet warmup = gen.generate(SEED + 300, 1200, 0);
        ArtifactLab.HeldOutStream live = ArtifactLab.heldOutStream(gen, SEED + 400, 1500, 0.1, 100_000L);
        Set<Long> stampedIds = live.stampedIds();
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
        try (Analyzer analyzer = new Analyzer(cfg, new SimpleMeterRegistry(), x -> { });
             KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(client));
             TappedModel served = SmallCnn.load(modelFile)) {
            AtomicReference<DoraReport> report = new AtomicReference<>();
            analyzer.onDoraResult(report::set);
            analyzer.start();
            ActivationPublisher publisher = new ActivationPublisher(sink, "lab.act", "lab", "1");
            ArtifactLab.publish(publisher, served, warmup.samples(), 10_000L, p.layer());
            Waits.await(() -> report.get() != null && analyzer.detectorStates().size() > 1
                    && analyzer.detectorStates().stream().allMatch(DetectorBank.DetectorState::frozen)
                    || report.get() != null && report.get().outcome().flaggedChannels().length > 0
                    && report.get().outcome().flaggedChannels()[0] == watermarkChannel,
                    Duration.ofSeconds(180), "DORA on registration and frozen reference thresholds");
            DoraPipeline.Outcome streamed = report.get().outcome();
            assertEquals(top, streamed.channel(streamed.result().ranking()[0]),
                    "the analyzer's DORA ranks first the channel the offline run ranked first");
            assertTrue(streamed.flaggedChannels().length > 0 && analyzer.detectorStates().stream()
                    .anyMatch(d -> d.detector().neuron() == streamed.flaggedChannels()[0]),
                    "what the analyzer's DORA flagged is a detector: " + analyzer.detectorStates());
            ArtifactLab.publish(publisher, served, live.samples(), 100_000L, p.layer());
            Waits.await(() -> analyzer.sampleCount() >= warmup.size() + live.samples().size(),
                    Duration.ofSeconds(60), "all samples");
            assertNull(analyzer.failure());
        }
        Set<Long> alerted = new HashSet<>();
        int infectedAlerts = 0;
        for (JsonNode a : TopicReader.json(client, "lab.alerts", 1)) {
            if (a.get("type").asText().equals("infected_neuron")) {
                infectedAlerts++;
            } else if (a.get("sample_id").asLong() >= 100_000L && a.get("neuron").asInt() == watermarkChannel) {
                alerted.add(a.get("sample_id").asLong());
            }
        }
        Set<Long> hits = new HashSet<>(alerted);
        hits.retainAll(stampedIds);
        double precision = alerted.isEmpty() ? 0 : hits.size() / (double) alerted.size();
        double recall = hits.size() / (double) stampedIds.size();
        System.out.printf("stream, detector on channel %d: %d stamped of %d, %d alerted, precision %.3f, "
                + "recall %.3f%n", watermarkChannel, stampedIds.size(), live.samples().size(), alerted.size(),
                precision, recall);
        assertTrue(infectedAlerts >= 1, "DORA's infected_neuron alert was published");
        assertTrue(precision >= 0.9, "precision " + precision);
        assertTrue(recall >= 0.8, "recall " + recall);
    }

    /** Clean images followed by their stamped copies, with concepts (the watermark concept on the copies). */
    private static ImageSet mixed(ImageSet clean, ImageSet stamped) {
        List<ProceduralImages.Sample> all = new ArrayList<>(clean.samples());
        all.addAll(stamped.samples());
        return new ImageSet(all, clean.concepts(), clean.side());
    }
}
