package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * torch-dreams' {@code AutoImageParam}: P [1,3,H,W′] read as an interleaved half spectrum, weighted by 1/|f|^1.5,
 * inverse-transformed (ortho irfft2 through real matrices, see {@link SpectralBasis}), colour-decorrelated and
 * squashed by a sigmoid; the model receives the ImageNet-normalised image (spec §3.1–3.5).
 *
 * <p>Every step is a matrix product or an element-wise map, so gradients reach P through DJL's autograd. The
 * constants are built in {@code type}; float64 serves the finite-difference gradient check.
 */
public final class SpectralParametrization implements ImageParametrization {
    private final SpectralBasis basis;
    private final NDManager constants;
    private final NDArray scale;
    private final NDArray right;
    private final NDArray leftT;
    private final NDArray mT;
    private final NDArray mean;
    private final NDArray std;

    public SpectralParametrization(NDManager manager, int height, int width, DataType type) {
        this.basis = SpectralBasis.torchDreams(height, width);
        this.constants = manager.newSubManager();
        int wp = basis.parameterWidth();
        this.scale = Tensors.create(constants, basis.interleavedScale(true), new Shape(height, wp), type);
        this.right = Tensors.create(constants, basis.rightMatrix(), new Shape(wp, 2L * width), type);
        this.leftT = Tensors.create(constants, basis.leftMatrixTransposed(), new Shape(2L * height, height), type);
        this.mT = ColourSpace.decorrelationTransposed(constants, type);
        this.mean = ColourSpace.mean(constants, type);
        this.std = ColourSpace.std(constants, type);
    }

    public SpectralParametrization(NDManager manager, int height, int width) {
        this(manager, height, width, DataType.FLOAT32);
    }

    public SpectralBasis basis() {
        return basis;
    }

    @Override
    public int height() {
        return basis.height();
    }

    @Override
    public int width() {
        return basis.width();
    }

    @Override
    public Shape parameterShape() {
        return new Shape(1, 3, basis.height(), basis.parameterWidth());
    }

    /** The spatial signal before colour mixing, = {@code irfft2(scale ⊙ X, s=(H,W), norm="ortho")}, [n,3,H,W]. */
    public NDArray spatial(NDArray parameter) {
        return spectralToSpatial(parameter.mul(scale), basis, right, leftT);
    }

    /** M·t per pixel, the value before the sigmoid. */
    public NDArray decorrelated(NDArray parameter) {
        return ColourSpace.mixChannels(spatial(parameter), mT);
    }

    @Override
    public NDArray toImage(NDArray parameter) {
        return Activation.sigmoid(decorrelated(parameter));
    }

    @Override
    public NDArray toModelInput(NDArray image) {
        return image.sub(mean).div(std);
    }

    /**
     * The two real products of {@link SpectralBasis}: [n,3,H,2Wc] · right → [A | B], regrouped to [n,3,W,2H] and
     * multiplied by the transposed left factor, then transposed back. The tensor is always the left operand so that
     * results land on its (per-step) manager.
     */
    static NDArray spectralToSpatial(NDArray weighted, SpectralBasis basis, NDArray right, NDArray leftT) {
        long n = weighted.getShape().get(0);
        int h = basis.height();
        int w = basis.width();
        NDArray ab = weighted.matMul(right);
        NDArray stacked = ab.reshape(n, 3, h, 2, w).transpose(0, 1, 4, 3, 2).reshape(n, 3, w, 2L * h);
        return stacked.matMul(leftT).transpose(0, 1, 3, 2);
    }

    @Override
    public void close() {
        constants.close();
    }
}
