package io.neurowatch.ops.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.analyzers.synthetic.ImageSet;
import io.neurowatch.analyzers.synthetic.ProceduralImages;
import io.neurowatch.connectors.model.ActivationPublisher;
import io.neurowatch.connectors.model.SmallCnn;
import io.neurowatch.connectors.model.TappedModel;
import io.neurowatch.ops.config.Settings;
import io.neurowatch.ops.lab.ArtifactLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import reactor.core.Disposable;

/**
 * The model side of the demo: a small CNN trained on procedural images with a watermark planted on half of one
 * class, held by the analyzer; when its activations start streaming, DORA runs in the background, the channel it
 * flags becomes an artifact detector, and a held-out stream with 10% stamped images raises alerts, whose precision
 * and recall are printed.
 */
public final class ArtifactDemo {
    public static final String MODEL = "lab-cnn";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 1;

    private final ProceduralImages images = new ProceduralImages(ProceduralImages.Params.defaults());
    private final ArtifactLab.Params params = ArtifactLab.Params.defaults(SEED);
    private final Path modelFile;

    private ArtifactDemo(Path modelFile) {
        this.modelFile = modelFile;
    }

    /** Trains and saves the model (about 10 s); returns the demo and the settings that make the analyzer hold it. */
    public static ArtifactDemo train(Path dir, Consumer<String> say) throws IOException {
        Files.createDirectories(dir);
        ArtifactDemo demo = new ArtifactDemo(dir.resolve("lab-cnn.nwcnn"));
        say.accept("model side: training a small CNN on procedural images, watermark on 50% of class 0 ...");
        try (TappedModel m = ArtifactLab.train(demo.images, demo.params, line -> say.accept("  " + line))) {
            SmallCnn.save(m, demo.modelFile);
        }
        return demo;
    }

    /** The analyzer holds the model; thresholds come from a clean reference window. */
    public Settings configure(Settings s) {
        return s.with("model.path", modelFile.toString()).with("model.id", MODEL).with("model.layer", params.layer())
                .with("model.input-scaling", "unit").with("dora.iters", String.valueOf(params.samsIters()))
                .with("dora.lr", String.valueOf(params.samsLr())).with("alerts.threshold", "reference")
                .with("alerts.percentile", "0.998").with("alerts.reference-samples", "1000");
    }

    /**
     * Streams a clean warm-up, waits for DORA and the frozen threshold, then a held-out stream with stamped
     * images; prints what was flagged and the alert precision and recall.
     *
     * @return whether DORA ran and its detectors saw the held-out stream. Whether DORA flagged a watermark channel
     *     is printed with the channel's measured sensitivity, not turned into the exit code: on this small CNN the
     *     outcome depends on the run (docs/dora.md)
     */
    public boolean run(DemoRun demo, Consumer<String> say) throws IOException, InterruptedException {
        Set<Long> alerted = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<String> infected = new java.util.concurrent.CopyOnWriteArrayList<>();
        Disposable sub = demo.analyzer().events().subscribe(e -> {
            try {
                JsonNode n = JSON.readTree(e);
                if (n.path("type").asText().isEmpty()) {
                    return;
                }
                if (!MODEL.equals(n.path("model").asText())) {
                    return;
                }
                if (n.path("type").asText().equals("artifact")) {
                    alerted.add(n.get("sample_id").asLong());
                } else if (n.path("type").asText().equals("infected_neuron")) {
                    infected.add(n.get("neuron").asText());
                }
            } catch (IOException ex) {
                // Not JSON: not ours.
            }
        });
        Set<Long> stamped = new HashSet<>();
        try (TappedModel served = SmallCnn.load(modelFile)) {
            ActivationPublisher publisher = new ActivationPublisher(demo.sink(), demo.config().topics().activations(),
                    MODEL, "1");
            ImageSet warmup = images.generate(SEED + 300, 1200, 0);
            say.accept("inference service (lab-cnn): 1,200 clean images; the analyzer registers the model and "
                    + "runs DORA in the background");
            long before = demo.analyzer().sampleCount();
            ArtifactLab.publish(publisher, served, warmup.samples(), 1_000_000L, params.layer());
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (demo.analyzer().detectorStates().stream().noneMatch(d -> d.detector().model().equals(MODEL)
                    && d.frozen())) {
                if (System.nanoTime() > deadline) {
                    say.accept("DORA did not produce a detector in 5 minutes");
                    return false;
                }
                Thread.sleep(200);
            }
            say.accept("DORA flagged channel(s) " + infected + " of " + params.layer()
                    + "; they are now artifact detectors");
            // Ground truth DORA never saw: each channel's clean-vs-stamped sensitivity on held-out copies.
            ImageSet clean = images.generate(SEED + 100, 400, 0);
            ArtifactLab.GroundTruth truth = ArtifactLab.groundTruth(served, clean, images.stampAll(clean, SEED + 200),
                    params.layer());
            for (String ch : infected) {
                double d = truth.channels().get(Integer.parseInt(ch)).sensitivity();
                say.accept(String.format("  channel %s: clean-vs-stamped sensitivity %.3f on held-out images: %s", ch,
                        d, d >= ArtifactLab.INFECTED ? "a watermark channel"
                                : "not a watermark channel (DORA missed on this run; docs/dora.md)"));
            }
            ArtifactLab.HeldOutStream live = ArtifactLab.heldOutStream(images, SEED + 400, 1500, 0.1, 2_000_000L);
            stamped.addAll(live.stampedIds());
            say.accept("inference service (lab-cnn): 1,500 held-out images, " + stamped.size()
                    + " with the watermark");
            ArtifactLab.publish(publisher, served, live.samples(), 2_000_000L, params.layer());
            demo.awaitSamples(before + warmup.size() + live.samples().size(), Duration.ofSeconds(60));
            // Alerts leave as batches are decoded; give the last ones a moment to reach the event stream.
            Thread.sleep(500);
        } finally {
            sub.dispose();
        }
        long liveAlerts = alerted.stream().filter(id -> id >= 2_000_000L).count();
        long truePositives = alerted.stream().filter(stamped::contains).count();
        double precision = liveAlerts == 0 ? 0 : truePositives / (double) liveAlerts;
        double recall = stamped.isEmpty() ? 0 : truePositives / (double) stamped.size();
        say.accept(String.format("artifact alerts on the held-out stream: %d (%d stamped images), precision %.3f, "
                + "recall %.3f", liveAlerts, stamped.size(), precision, recall));
        return true;
    }
}
