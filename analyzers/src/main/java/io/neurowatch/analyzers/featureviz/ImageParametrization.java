package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * A differentiable map from a real parameter tensor to an image, and from the image to what the model receives.
 *
 * <p>Implementations hold only constants (on the manager they were created with) and are stateless otherwise, so
 * one instance serves every image of a batch. All maps accept a leading batch dimension n ≥ 1.
 */
public interface ImageParametrization extends AutoCloseable {
    int height();

    int width();

    /** The shape of one image's parameter, [1, 3, H, W′]. */
    Shape parameterShape();

    /** Fresh parameter values, i.i.d. N(0, sd²) from {@code rng}, row-major over {@link #parameterShape()}. */
    default float[] noise(Random rng, double sd) {
        float[] out = new float[Math.toIntExact(parameterShape().size())];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (sd * rng.nextGaussian());
        }
        return out;
    }

    /** Parameter [n, …] → image [n, 3, H, W] in [0, 1]; differentiable. */
    NDArray toImage(NDArray parameter);

    /** Image [n, 3, H, W] → the model's input; differentiable. */
    NDArray toModelInput(NDArray image);

    /** Releases the constants. */
    @Override
    void close();
}
