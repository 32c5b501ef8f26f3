package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * Several models optimised on one image (torch-dreams' {@code ModelBunch}): every model sees the same transformed
 * batch, and their layer lists are concatenated in model order. {@link #layer(int, int)} gives the position of a
 * model's layer in that list; summing objectives over models sums their losses.
 */
public final class ModelBunch implements LayerFunction {
    private final List<LayerFunction> models;
    private final int[] layerCounts;

    /** @param layerCounts how many layers each model returns, to translate (model, layer) into a position */
    public ModelBunch(List<LayerFunction> models, int... layerCounts) {
        if (models.isEmpty() || models.size() != layerCounts.length) {
            throw new IllegalArgumentException("need one layer count per model, got " + models.size() + " models and "
                    + layerCounts.length + " counts");
        }
        this.models = List.copyOf(models);
        this.layerCounts = layerCounts.clone();
    }

    public int layer(int model, int layer) {
        if (layer < 0 || layer >= layerCounts[model]) {
            throw new IndexOutOfBoundsException("model " + model + " has " + layerCounts[model] + " layers");
        }
        int position = 0;
        for (int m = 0; m < model; m++) {
            position += layerCounts[m];
        }
        return position + layer;
    }

    @Override
    public NDList forward(NDArray batch) {
        NDList out = new NDList();
        for (int m = 0; m < models.size(); m++) {
            NDList layers = models.get(m).forward(batch);
            if (layers.size() != layerCounts[m]) {
                throw new IllegalStateException("model " + m + " returned " + layers.size() + " layers, declared "
                        + layerCounts[m]);
            }
            out.addAll(layers);
        }
        return out;
    }
}
