package io.neurowatch.analyzers.dora;

import io.neurowatch.analyzers.featureviz.LayerFunction;
import io.neurowatch.analyzers.featureviz.Objective;
import io.neurowatch.analyzers.featureviz.Objectives;
import io.neurowatch.analyzers.featureviz.Rendered;
import io.neurowatch.analyzers.featureviz.Renderer;
import io.neurowatch.analyzers.featureviz.Start;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates DORA's s-AMS (dora.md §3.1–3.3, §4 steps 2–3): the task list neuron-major, cut into batches of
 * {@code batchSize}; each batch is one {@link Renderer} job, every image with its own parameter, Adam state and
 * gradient clip. Signals are stored losslessly in a {@link SignalSet} keyed by the generation parameters, and a
 * batch whose signals all exist under that key is not generated again (quirk D7 fixed).
 *
 * <p>Reproducibility: image noise is seeded per task (experiment seed, task index) and transform draws per batch
 * (experiment seed, batch index), so a rerun with the same parameters gives the same signals whatever is cached.
 */
public final class SamsGenerator {
    /** Progress per finished batch, with how many batches were served from the cache. */
    public interface Progress {
        Progress NONE = (done, total, cached) -> { };

        void onBatch(int done, int total, int cached);
    }

    private final LayerFunction model;

    /** @param model the model in inference mode; the analysed layer is {@link SamsConfig#layer()} of its outputs */
    public SamsGenerator(LayerFunction model) {
        this.model = model;
    }

    /**
     * Generates whatever the cache lacks and returns the full set.
     *
     * @param cacheRoot parent of the per-key signal directories
     * @param overwrite regenerate every signal even if cached
     */
    public SignalSet generate(SamsConfig config, Path cacheRoot, boolean overwrite, Progress progress)
            throws IOException {
        SignalSet set = SignalSet.open(cacheRoot, config);
        List<SamsTask> tasks = SamsTask.all(config);
        int batches = (tasks.size() + config.batchSize() - 1) / config.batchSize();
        Renderer renderer = new Renderer(model);
        int cached = 0;
        for (int b = 0; b < batches; b++) {
            List<SamsTask> batch = tasks.subList(b * config.batchSize(),
                    Math.min(tasks.size(), (b + 1) * config.batchSize()));
            if (!overwrite && batch.stream().allMatch(set::contains)) {
                cached++;
                progress.onBatch(b + 1, batches, cached);
                continue;
            }
            List<Objective> objectives = new ArrayList<>(batch.size());
            List<Start> starts = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                SamsTask t = batch.get(i);
                Objective max = Objectives.channel(config.layer(), t.neuron());
                objectives.add((t.sign() == '+' ? max : max.negate()).labelled(t.name()));
                starts.add(Start.noise(Start.initSeed(config.render().seed(), b * config.batchSize() + i)));
            }
            List<Rendered> images = renderer.render(objectives,
                    config.render().withSeed(Start.initSeed(~config.render().seed(), b)), starts, null);
            for (int i = 0; i < batch.size(); i++) {
                set.store(batch.get(i), images.get(i).image());
            }
            progress.onBatch(b + 1, batches, cached);
        }
        return set;
    }
}
