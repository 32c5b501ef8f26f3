package io.neurowatch.ops.stream;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A model the analyzer holds (keys {@code model.*} and {@code dora.*} in docs/streaming.md): when batches of a new
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
}
