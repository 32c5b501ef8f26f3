package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Finite-difference checks of the parameter → image maps in float64 (spec §8 item 4): autograd through the real
 * irfft2 matrices, the colour mix, the sigmoid, the normalisation and the transforms must agree with central
 * differences to a relative error below 1e-3.
 */
class GradientCheckTest {
    @RegisterExtension
    static final ManagerScope ND = new ManagerScope();

    @ParameterizedTest
    @CsvSource({"6, 8", "5, 7", "4, 4"})
    void spectralParametrization(int h, int w) {
        try (NDManager m = ND.manager().newSubManager();
                SpectralParametrization p = new SpectralParametrization(m, h, w, DataType.FLOAT64)) {
            // sd 0.5 puts the sigmoid away from its linear centre so that every stage matters.
            double error = check(m, p.parameterShape(), 0.5, x -> p.toModelInput(p.toImage(x)), h * 31L + w);
            System.out.printf("gradient check spectral %dx%d: relative error %.2e%n", h, w, error);
            assertTrue(error < 1e-3, "relative error " + error);
        }
    }

    @Test
    void spectralThroughTransforms() {
        int h = 8;
        int w = 8;
        TransformChain chain = new TransformChain("test", java.util.List.of(
                new RandomAffine(20, 0.2, 0.2, 0.9, 1.1, 10, 0.5), new RandomResize(0.6, 1.3),
                new Pad(1, -0.5), new RandomCrop(7, 9, true, 0.25)));
        try (NDManager m = ND.manager().newSubManager();
                SpectralParametrization p = new SpectralParametrization(m, h, w, DataType.FLOAT64)) {
            // The same draw at every evaluation: a fresh RNG with a fixed seed.
            double error = check(m, p.parameterShape(), 0.5,
                    x -> chain.apply(p.toModelInput(p.toImage(x)), new Random(99)), 5);
            System.out.printf("gradient check through transforms: relative error %.2e%n", error);
            assertTrue(error < 1e-3, "relative error " + error);
        }
    }

    @Test
    void pixelParametrization() {
        try (NDManager m = ND.manager().newSubManager();
                PixelParametrization p = new PixelParametrization(m, 5, 6, DataType.FLOAT64)) {
            double error = check(m, p.parameterShape(), 1.0, x -> p.toModelInput(p.toImage(x)), 3);
            assertTrue(error < 1e-3, "relative error " + error);
        }
    }

    @Test
    void startImageParametrizationInsideTheClamps() {
        int h = 6;
        int w = 6;
        // A mid-grey start image with small texture keeps both clamps inactive.
        float[] image = new float[3 * h * w];
        Random rng = new Random(11);
        for (int i = 0; i < image.length; i++) {
            image[i] = 0.45f + 0.1f * rng.nextFloat();
        }
        try (NDManager m = ND.manager().newSubManager(); StartImageParametrization p = new StartImageParametrization(m, h,
                w, image, DataType.FLOAT64, false)) {
            float[] start = p.initialParameter();
            double[] s = new double[start.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = start[i] + 0.01 * rng.nextGaussian();
            }
            NDArray base = m.create(s, p.parameterShape());
            double error = check(m, base, x -> p.toModelInput(p.toImage(x)), 13);
            assertTrue(error < 1e-3, "relative error " + error);
        }
    }

    private static double check(NDManager m, Shape shape, double sd, Function<NDArray, NDArray> map, long seed) {
        Random rng = new Random(seed);
        double[] p = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < p.length; i++) {
            p[i] = sd * rng.nextGaussian();
        }
        return check(m, m.create(p, shape), map, seed + 1);
    }

    /** ‖g_autograd − g_fd‖ / ‖g_fd‖ for the loss Σ r ⊙ map(x) with random weights r. */
    private static double check(NDManager m, NDArray x0, Function<NDArray, NDArray> map, long seed) {
        double[] base = x0.toDoubleArray();
        Shape shape = x0.getShape();
        NDArray weights;
        try (NDManager probe = m.newSubManager()) {
            Shape outShape = map.apply(probe.create(base, shape)).getShape();
            Random rng = new Random(seed);
            double[] r = new double[Math.toIntExact(outShape.size())];
            for (int i = 0; i < r.length; i++) {
                r[i] = rng.nextGaussian();
            }
            weights = m.create(r, outShape);
        }
        double[] analytic;
        try (NDManager sm = m.newSubManager()) {
            NDArray x = sm.create(base, shape);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(map.apply(x).mul(weights).sum());
            }
            analytic = x.getGradient().toDoubleArray();
        }
        double eps = 1e-6;
        double num = 0;
        double den = 0;
        for (int i = 0; i < base.length; i++) {
            double[] plus = base.clone();
            double[] minus = base.clone();
            plus[i] += eps;
            minus[i] -= eps;
            double fd;
            try (NDManager sm = m.newSubManager()) {
                double lp = map.apply(sm.create(plus, shape)).mul(weights).sum().getDouble();
                double lm = map.apply(sm.create(minus, shape)).mul(weights).sum().getDouble();
                fd = (lp - lm) / (2 * eps);
            }
            num += (analytic[i] - fd) * (analytic[i] - fd);
            den += fd * fd;
        }
        assertTrue(den > 0, "the finite-difference gradient vanished; the check would be vacuous");
        return Math.sqrt(num / den);
    }
}
