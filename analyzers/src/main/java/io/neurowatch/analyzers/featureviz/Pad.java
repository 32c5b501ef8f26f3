package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/** torchvision's {@code Pad(pixels, fill)} with constant fill on all four sides; draws nothing. */
public record Pad(int pixels, double fill) implements Transform {
    public Pad {
        if (pixels < 0 || !Double.isFinite(fill)) {
            throw new IllegalArgumentException("padding must be non-negative with a finite fill");
        }
    }

    @Override
    public NDArray apply(NDArray batch, Random rng) {
        if (pixels == 0) {
            return batch;
        }
        int h = Math.toIntExact(batch.getShape().get(2));
        int w = Math.toIntExact(batch.getShape().get(3));
        return RandomCrop.window(h, w, pixels, pixels, h + 2 * pixels, w + 2 * pixels, 0, 0)
                .apply(batch, fill);
    }
}
