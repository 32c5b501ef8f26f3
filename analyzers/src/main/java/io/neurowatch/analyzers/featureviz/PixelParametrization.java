package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** image = σ(P), P [1,3,H,W]: no spectral weighting and no decorrelation, the model sees the normalised image. */
public final class PixelParametrization implements ImageParametrization {
    private final int height;
    private final int width;
    private final NDManager constants;
    private final NDArray mean;
    private final NDArray std;

    public PixelParametrization(NDManager manager, int height, int width, DataType type) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
        this.constants = manager.newSubManager();
        this.mean = ColourSpace.mean(constants, type);
        this.std = ColourSpace.std(constants, type);
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public Shape parameterShape() {
        return new Shape(1, 3, height, width);
    }

    @Override
    public NDArray toImage(NDArray parameter) {
        return Activation.sigmoid(parameter);
    }

    @Override
    public NDArray toModelInput(NDArray image) {
        return image.sub(mean).div(std);
    }

    @Override
    public void close() {
        constants.close();
    }
}
