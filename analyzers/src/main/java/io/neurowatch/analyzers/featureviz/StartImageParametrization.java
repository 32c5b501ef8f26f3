package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * torch-dreams' {@code CustomImageParam} (spec §3.11) for one start image x (CHW in [0,1]): the parameter is the
 * full half spectrum (W/2+1 columns, interleaved re/im) of the de-normalised, decorrelated image,
 * P₀ = rfft2(inv-decorrelate(x·s + μ), ortho) / scale, so optimisation begins at x instead of grey noise.
 *
 * <p>The reference's image is clamp(normalise(clamp(u, 0, 1)), 0, 1) with u = M·irfft2(scale ⊙ P). Because u is
 * linear in P and u(P₀) = x·s + μ =: u₀, this class evaluates the same function as
 * clamp(x + (clamp(u₀ + M·irfft2(scale ⊙ (P − P₀)), 0, 1) − u₀)/s, 0, 1), anchored at the exact start image. In
 * float32 the plain form loses about 1.5e-6 on the round trip (the matrix inverse accumulates rounding and 1/s
 * amplifies it); the anchored form returns x exactly, and differs from the reference only by the float32 rounding
 * of P₀ (≈1e-7). Gradients are those of the reference's map.
 *
 * <p>This keeps the reference's optimisation dynamics, so its recommended lr 2e-4…3e-4, clip 0.1 and weight decay
 * 0.1 apply. Divergence (quirk F4): the model receives the ImageNet-normalised image; the reference feeds the
 * un-normalised [0,1] image, available with {@code compatUnnormalised}.
 */
public final class StartImageParametrization implements ImageParametrization {
    private final SpectralBasis basis;
    private final boolean compatUnnormalised;
    private final float[] initial;
    private final NDManager constants;
    private final NDArray scale;
    private final NDArray right;
    private final NDArray leftT;
    private final NDArray mT;
    private final NDArray mean;
    private final NDArray std;
    private final NDArray p0;
    private final NDArray u0;
    private final NDArray x0;

    /**
     * @param chw01 the start image, 3·H·W values in [0,1], CHW
     */
    public StartImageParametrization(NDManager manager, int height, int width, float[] chw01, DataType type,
            boolean compatUnnormalised) {
        this.basis = SpectralBasis.fullHalfSpectrum(height, width);
        this.compatUnnormalised = compatUnnormalised;
        int plane = height * width;
        if (chw01.length != 3 * plane) {
            throw new IllegalArgumentException("start image has " + chw01.length + " values, expected 3x" + height
                    + "x" + width);
        }
        double[] u = new double[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                float x = chw01[c * plane + p];
                if (!(x >= 0f && x <= 1f)) {
                    throw new IllegalArgumentException("start image values must lie in [0,1], got " + x);
                }
                u[c * plane + p] = (double) x * (float) ColourSpace.IMAGENET_STD[c]
                        + (float) ColourSpace.IMAGENET_MEAN[c];
            }
        }
        this.initial = encode(u);
        this.constants = manager.newSubManager();
        int wp = basis.parameterWidth();
        Shape imageShape = new Shape(1, 3, height, width);
        this.scale = Tensors.create(constants, basis.interleavedScale(true), new Shape(height, wp), type);
        this.right = Tensors.create(constants, basis.rightMatrix(), new Shape(wp, 2L * width), type);
        this.leftT = Tensors.create(constants, basis.leftMatrixTransposed(), new Shape(2L * height, height), type);
        this.mT = ColourSpace.decorrelationTransposed(constants, type);
        this.mean = ColourSpace.mean(constants, type);
        this.std = ColourSpace.std(constants, type);
        double[] p = new double[initial.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = initial[i];
        }
        this.p0 = Tensors.create(constants, p, parameterShape(), type);
        this.u0 = Tensors.create(constants, u, imageShape, type);
        double[] x = new double[chw01.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = chw01[i];
        }
        this.x0 = Tensors.create(constants, x, imageShape, type);
    }

    /** rfft2 of the decorrelated u, divided by the weights, in double, rounded to float32 once. */
    private float[] encode(double[] u) {
        int h = basis.height();
        int w = basis.width();
        int plane = h * w;
        double[][] inv = ColourSpace.inverseDecorrelationTransposed();
        double[][] decorrelated = new double[3][plane];
        for (int p = 0; p < plane; p++) {
            for (int j = 0; j < 3; j++) {
                decorrelated[j][p] = u[p] * inv[0][j] + u[plane + p] * inv[1][j] + u[2 * plane + p] * inv[2][j];
            }
        }
        int wp = basis.parameterWidth();
        double[] weights = basis.interleavedScale(true);
        float[] out = new float[3 * h * wp];
        for (int c = 0; c < 3; c++) {
            double[] spectrum = basis.rfft2(decorrelated[c]);
            for (int i = 0; i < spectrum.length; i++) {
                out[c * h * wp + i] = (float) (spectrum[i] / weights[i]);
            }
        }
        return out;
    }

    /** P₀, the parameter of the start image. */
    public float[] initialParameter() {
        return initial.clone();
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

    @Override
    public NDArray toImage(NDArray parameter) {
        NDArray delta = SpectralParametrization.spectralToSpatial(parameter.sub(p0).mul(scale), basis, right, leftT);
        NDArray u = ColourSpace.mixChannels(delta, mT).add(u0).clip(0, 1);
        return u.sub(u0).div(std).add(x0).clip(0, 1);
    }

    @Override
    public NDArray toModelInput(NDArray image) {
        return compatUnnormalised ? image : image.sub(mean).div(std);
    }

    @Override
    public void close() {
        constants.close();
    }
}
