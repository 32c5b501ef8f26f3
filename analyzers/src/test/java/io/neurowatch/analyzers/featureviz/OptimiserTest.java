package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Gradient-norm clipping and AdamW (spec §3.9, §9 items 5-6). */
class OptimiserTest {
    @RegisterExtension
    static final ManagerScope ND = new ManagerScope();

    @Test
    void clipExampleOfTheSpec() {
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray g = m.create(new float[] {3, 4});
            double norm = AdamW.clipByNorm(g, 1.0);
            assertEquals(5.0, norm, 0);
            // torch.nn.utils.clip_grad_norm_ gives exactly these float32 values.
            assertArrayEquals(new float[] {0.59999988f, 0.79999984f}, g.toFloatArray(), 0f);
        }
    }

    @Test
    void clipUsesTheNormOfAllElementsWhateverTheShape() {
        try (NDManager m = ND.manager().newSubManager()) {
            // A spectral norm would give 5.465 for this matrix; torch uses the flattened L2 norm, sqrt(30).
            NDArray g = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            assertEquals(Math.sqrt(30), AdamW.clipByNorm(g, 1.0), 1e-6);
            NDArray g4 = m.arange(12f).reshape(1, 3, 2, 2);
            assertEquals(Math.sqrt(506), AdamW.clipByNorm(g4, 1.0), 1e-5);
            assertEquals(1.0, Tensors.scalar(g4.norm()), 1e-6);
        }
    }

    @Test
    void clipLeavesSmallGradientsAlone() {
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray g = m.create(new float[] {0.3f, -0.4f, 0.1f});
            AdamW.clipByNorm(g, 1.0);
            assertArrayEquals(new float[] {0.3f, -0.4f, 0.1f}, g.toFloatArray(), 0f);
            NDArray big = m.create(new float[] {30f, -40f});
            AdamW.clipByNorm(big, 0.1);
            assertEquals(0.1, Math.hypot(big.toFloatArray()[0], big.toFloatArray()[1]), 1e-6);
        }
    }

    /**
     * torch 1.13 {@code AdamW(lr=9e-3, betas=(0.9,0.999), eps=1e-8, weight_decay=1e-3)} with
     * {@code clip_grad_norm_(p, 1.0)} before each step, on a recorded gradient sequence (values from
     * /usr/bin/python3 with python3-torch 1.13).
     */
    @Test
    void trajectoryMatchesTorchAdamW() {
        float[][] grads = {
            {3.0f, 4.0f, 0.0f, 0.0f, 0.0f}, {0.1f, -0.2f, 0.05f, 0.0f, 0.3f}, {-0.5f, 0.5f, -0.5f, 0.5f, -0.5f},
            {1e-3f, 2e-3f, -1e-3f, 0.0f, 5e-4f}, {2.0f, -1.0f, 0.5f, 0.25f, 0.125f}, {0, 0, 0, 0, 0},
            {0.3f, 0.3f, -0.3f, 0.3f, 0.3f},
        };
        float[][] torch = {
            {0.09099909663200378f, -0.2089982032775879f, 0.2999972999095917f, 0.049999549984931946f,
                -0.39999639987945557f},
            {0.08394832909107208f, -0.21322153508663177f, 0.29329735040664673f, 0.04999909922480583f,
                -0.4066900312900543f},
            {0.08296621590852737f, -0.21883298456668854f, 0.2984335124492645f, 0.04424932599067688f,
                -0.4047940969467163f},
            {0.08215466886758804f, -0.22344030439853668f, 0.30265185236930847f, 0.039539434015750885f,
                -0.40324530005455017f},
            {0.07800013571977615f, -0.2249128222465515f, 0.30373212695121765f, 0.03451388329267502f,
                -0.40243399143218994f},
            {0.07441940158605576f, -0.22618164122104645f, 0.3046627938747406f, 0.030182508751749992f,
                -0.40173423290252686f},
            {0.07024102658033371f, -0.2285187840461731f, 0.30770838260650635f, 0.024523241445422173f,
                -0.40341222286224365f},
        };
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray p = m.create(new float[] {0.1f, -0.2f, 0.3f, 0.05f, -0.4f});
            AdamW opt = AdamW.of(9e-3, 1e-3);
            AdamW.State state = opt.newState(p);
            for (int t = 0; t < grads.length; t++) {
                NDArray g = m.create(grads[t]);
                AdamW.clipByNorm(g, 1.0);
                opt.step(p, g, state);
                Arrays4.assertAllClose(torch[t], p.toFloatArray(), 1e-6, 1e-8, "step " + (t + 1));
            }
            assertEquals(grads.length, state.steps());
        }
    }

    /** The first step written out by hand: decay, then a step of lr·g/(|g| + ε) against the sign of g. */
    @Test
    void firstStepByHand() {
        try (NDManager m = ND.manager().newSubManager()) {
            double lr = 9e-3;
            double wd = 0.1;
            NDArray p = m.create(new double[] {1.0, -2.0, 0.5});
            double[] g = {0.25, -0.5, 0};
            AdamW opt = AdamW.of(lr, wd);
            opt.step(p, m.create(g), opt.newState(p));
            double[] expected = new double[3];
            double[] p0 = {1.0, -2.0, 0.5};
            for (int i = 0; i < 3; i++) {
                double decayed = p0[i] * (1 - lr * wd);
                double mHat = (0.1 * g[i]) / 0.1;
                double vHat = (0.001 * g[i] * g[i]) / 0.001;
                expected[i] = decayed - lr * mHat / (Math.sqrt(vHat) + 1e-8);
            }
            assertArrayEquals(expected, p.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void rejectsBadHyperParameters() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> AdamW.of(0, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> AdamW.of(1e-3, -1));
    }
}
