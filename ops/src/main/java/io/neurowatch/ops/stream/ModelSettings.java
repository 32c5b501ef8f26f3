package io.neurowatch.ops.stream;

import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingException;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A model the analyzer holds: when batches of a new
 * version of {@code modelId} arrive, DORA runs on {@code layer} in the background and the neurons it flags become
 * artifact detectors, announced as {@code infected_neuron} alerts.
 *
 * @param path TorchScript file (with its {@code .taps.json}) or a small-cnn parameter file
 * @param modelId the model id its batches carry on the wire
 * @param layer tapped output analysed; also the wire layer name of its batches
 * @param imagenetInput whether the model expects ImageNet-normalised input (false: raw [0,1] pixels)
 * @param samples s-AMS per neuron
 * @param iters optimisation steps per s-AMS
 * @param lr Adam learning rate of the s-AMS
 * @param seed experiment seed
 * @param nNeighbors LOF neighbourhood
 * @param reportTop besides LOF's flags, also report the top-r neurons of the outlier ranking (0 = flags only)
 */
public record ModelSettings(Path path, String modelId, String layer, boolean imagenetInput, int samples, int iters,
                            double lr, long seed, int nNeighbors, int reportTop) {
    public static final Setting<Path> PATH = Setting.optionalPath("model.path", "none", "a model the analyzer "
            + "holds: TorchScript file (with `.taps.json`) or small-cnn parameters; DORA runs on it in the background "
            + "when a new version of `model.id` first streams in, and its flagged neurons become detectors with "
            + "`infected_neuron` alerts");
    public static final Setting<String> ID = Setting.optionalString("model.id", "required with `model.path`",
            "the model id its batches carry");
    public static final Setting<String> LAYER = Setting.optionalString("model.layer", "required with `model.path`",
            "the tapped output DORA analyses (= the wire layer name)");
    public static final Setting<String> INPUT_SCALING = Setting.choice("model.input-scaling", "imagenet",
            "`imagenet` (normalised input) or `unit` (raw [0,1] pixels)", "imagenet", "unit");
    public static final Setting<Integer> SAMPLES = Setting.integer("dora.samples", 1, "s-AMS per neuron",
            Setting.atLeast(1));
    public static final Setting<Integer> ITERS = Setting.integer("dora.iters", 150, "optimisation steps per s-AMS",
            Setting.atLeast(1));
    public static final Setting<Double> LR = Setting.decimal("dora.lr", 9e-3, "Adam learning rate of the s-AMS",
            v -> v > 0 ? null : "must be positive");
    public static final Setting<Long> SEED = Setting.longValue("dora.seed", 0,
            "seed of the s-AMS (signals are cached under `<work dir>/sams`)", null);
    public static final Setting<Integer> N_NEIGHBORS = Setting.integer("dora.n-neighbors", 20, "LOF neighbourhood",
            Setting.atLeast(1));
    public static final Setting<Integer> REPORT_TOP = Setting.integer("dora.report-top", 0,
            "also report the top-r of the outlier ranking besides LOF's flags", Setting.atLeast(0));

    public static final SettingsTable.Group GROUP = new SettingsTable.Group("model",
            "A model the analyzer holds and runs DORA on; its flagged neurons become artifact detectors.",
            List.of(PATH, ID, LAYER, INPUT_SCALING, SAMPLES, ITERS, LR, SEED, N_NEIGHBORS, REPORT_TOP));

    public ModelSettings {
        Objects.requireNonNull(path, "model.path");
        Objects.requireNonNull(modelId, "model.id");
        Objects.requireNonNull(layer, "model.layer");
        if (samples < 1 || iters < 1 || nNeighbors < 1 || reportTop < 0 || !(lr > 0)) {
            throw new IllegalArgumentException("dora.samples, dora.iters, dora.n-neighbors must be positive, "
                    + "dora.lr > 0 and dora.report-top >= 0");
        }
    }

    public static ModelSettings of(Path path, String modelId, String layer) {
        return new ModelSettings(path, modelId, layer, true, 1, 150, 9e-3, 0, 20, 0);
    }

    /**
     * The model of these settings, or null when {@code model.path} is not set.
     *
     * @throws SettingException for {@code model.*} or {@code dora.*} keys without {@code model.path}, and for
     *     {@code model.path} without {@code model.id} and {@code model.layer}
     */
    public static ModelSettings from(SettingValues v) {
        if (v.get(PATH) == null) {
            for (Setting<?> s : GROUP.settings()) {
                if (v.isSet(s) && s != PATH) {
                    throw new SettingException(v.source(s) + ": " + s.name() + " needs model.path");
                }
            }
            return null;
        }
        for (Setting<String> s : List.of(ID, LAYER)) {
            if (v.get(s) == null) {
                throw new SettingException(v.source(PATH) + ": model.path needs " + s.name());
            }
        }
        return new ModelSettings(v.get(PATH), v.get(ID), v.get(LAYER), v.get(INPUT_SCALING).equals("imagenet"),
                v.get(SAMPLES), v.get(ITERS), v.get(LR), v.get(SEED), v.get(N_NEIGHBORS), v.get(REPORT_TOP));
    }
}
