package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * torch-dreams' {@code random_resize} (spec §3.6): height and width factors drawn independently from
 * U(min, max), so the aspect ratio changes; bilinear with align_corners = false; output ⌊H·hf⌋ × ⌊W·wf⌋.
 * The model must accept the varying size.
 */
public record RandomResize(double min, double max) implements Transform {
    public RandomResize {
        if (!(min > 0) || !(max >= min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("resize range must satisfy 0 < min <= max, got " + min + ".." + max);
        }
    }

    /** The two factors of one draw, height first (the reference's order). */
    public double[] draw(Random rng) {
        double hf = RandomAffine.uniform(rng, min, max);
        double wf = RandomAffine.uniform(rng, min, max);
        return new double[] {hf, wf};
    }

    @Override
    public NDArray apply(NDArray batch, Random rng) {
        double[] f = draw(rng);
        return BilinearResize.byFactor(batch, f[0], f[1]);
    }
}
