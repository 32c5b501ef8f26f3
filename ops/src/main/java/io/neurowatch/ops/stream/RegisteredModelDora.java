package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.dora.DoraParams;
import io.neurowatch.analyzers.dora.DoraPipeline;
import io.neurowatch.analyzers.dora.SamsConfig;
import io.neurowatch.analyzers.featureviz.LayerFunction;
import io.neurowatch.analyzers.featureviz.RenderConfig;
import io.neurowatch.analyzers.featureviz.TransformChain;
import io.neurowatch.connectors.model.TappedModel;
import io.neurowatch.ops.model.ModelIdentity;
import io.neurowatch.ops.model.ModelOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs DORA on the analyzer's model whenever a new version of it shows up in the stream, on a thread of its own
 * (generation takes minutes and DJL allows one gradient collector at a time), and reports the flagged neurons.
 * Versions already analysed (detectors with origin {@code dora model@version} on the detectors topic) are not
 * analysed again; the s-AMS cache under the work dir makes a rerun after a crash cheap.
 */
final class RegisteredModelDora implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegisteredModelDora.class);

    /** Where results go: the task that owns the layer (detectors, alerts) and the analyzer's DORA listeners. */
    interface Reporter {
        void report(String version, List<Integer> neurons, double[] nof, DoraPipeline.Outcome outcome);
    }

    private final ModelSettings settings;
    private final Path cache;
    private final Reporter reporter;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final java.util.function.Predicate<String> analysed;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "analyzer-dora");
        t.setDaemon(true);
        return t;
    });

    /** @param analysed whether a version was analysed already (by this instance or a previous owner of the layer) */
    RegisteredModelDora(ModelSettings settings, Path cache, java.util.function.Predicate<String> analysed,
                        Reporter reporter) {
        this.settings = settings;
        this.cache = cache;
        this.reporter = reporter;
        this.analysed = analysed;
    }

    /** Called for every decoded batch (cheap): schedules DORA for a model version seen for the first time. */
    void onBatch(String modelId, String version) {
        if (modelId.equals(settings.modelId()) && !seen.contains(version) && !analysed.test(version)
                && seen.add(version)) {
            LOG.info("model {} version {} registered: DORA on layer {} starts in the background", modelId, version,
                    settings.layer());
            worker.submit(() -> run(version));
        }
    }

    private void run(String version) {
        long t0 = System.nanoTime();
        try (TappedModel m = ModelOptions.load(settings.path(), "auto", null)) {
            int layer = m.indexOf(settings.layer());
            int[] shape = m.inputShape();
            if (shape == null) {
                throw new IllegalArgumentException(settings.path() + ": input shape unknown");
            }
            LayerFunction f = ModelOptions.layers(m, settings.imagenetInput());
            List<Integer> channels = ModelOptions.allChannels(f, layer, shape[1], shape[2]);
            RenderConfig render = RenderConfig.defaults(settings.seed()).withSize(shape[2], shape[1])
                    .withIters(settings.iters()).withLr(settings.lr())
                    .withTransforms(TransformChain.doraGenerateSignals(shape[1], shape[2]));
            SamsConfig sams = new SamsConfig(ModelIdentity.of(settings.path()), layer,
                    channels, settings.samples(), true,
                    SamsConfig.DEFAULT_BATCH_SIZE, render, false);
            DoraPipeline.Outcome o = DoraPipeline.run(f, sams,
                    DoraParams.defaults().withNNeighbors(settings.nNeighbors()), cache, false,
                    (done, total, cached) -> LOG.info("DORA {}@{}: s-AMS batch {}/{} ({} cached)",
                            settings.modelId(), version, done, total, cached));
            List<Integer> neurons = new ArrayList<>();
            for (int c : o.flaggedChannels()) {
                neurons.add(c);
            }
            int[] ranking = o.result().ranking();
            for (int i = 0; i < Math.min(settings.reportTop(), ranking.length); i++) {
                if (!neurons.contains(o.channel(ranking[i]))) {
                    neurons.add(o.channel(ranking[i]));
                }
            }
            double[] nof = new double[neurons.size()];
            double[] all = o.result().negativeOutlierFactor();
            for (int i = 0; i < nof.length; i++) {
                nof[i] = all[o.signals().config().neurons().indexOf(neurons.get(i))];
            }
            LOG.info("DORA {}@{} layer {}: {} neurons, flagged {} in {} s", settings.modelId(), version,
                    settings.layer(), channels.size(), neurons, String.format("%.1f", (System.nanoTime() - t0) / 1e9));
            reporter.report(version, neurons, nof, o);
        } catch (Exception e) {
            // The stream goes on without detectors for this version; a restart retries.
            seen.remove(version);
            LOG.error("DORA on {}@{} failed", settings.modelId(), version, e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
