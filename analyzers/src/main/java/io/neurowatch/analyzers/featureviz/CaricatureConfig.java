package io.neurowatch.analyzers.featureviz;

import java.util.List;

/**
 * What a caricature reproduces (spec §3.10).
 *
 * @param layers positions in the model's layer list whose activations are matched; empty means all of them
 * @param power exaggeration: 1 reproduces, above 1 exaggerates
 * @param staticTarget true: the target is computed once from the untransformed input and resized to each step's
 *     activation size; false: the input goes through the same transforms as the image at every step
 */
public record CaricatureConfig(List<Integer> layers, double power, boolean staticTarget) {
    public CaricatureConfig {
        layers = List.copyOf(layers);
        if (!Double.isFinite(power) || !(power > 0)) {
            throw new IllegalArgumentException("power must be positive and finite, got " + power);
        }
    }

    /** All layers, power 1, target following the transforms: the reference's defaults. */
    public static CaricatureConfig defaults() {
        return new CaricatureConfig(List.of(), 1.0, false);
    }
}
