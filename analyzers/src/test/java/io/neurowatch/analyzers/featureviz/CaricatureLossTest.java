package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The caricature loss examples of spec §3.10 and the F9 guard. */
class CaricatureLossTest {
    @RegisterExtension
    static final ManagerScope ND = new ManagerScope();

    private static double loss(float[] x, float[] y, double power) {
        try (NDManager m = ND.manager().newSubManager()) {
            return CaricatureLoss.layerLoss(m.create(x), m.create(y), power).getFloat();
        }
    }

    @Test
    void theSpecsWorkedExamplesGiveTheirValues() {
        assertEquals(-2.8284251, loss(new float[] {1, 1}, new float[] {1, 1}, 1.0), 1e-6);
        assertEquals(-5.6568502, loss(new float[] {1, 1}, new float[] {1, 1}, 2.0), 2e-6);
        assertEquals(0.2, loss(new float[] {-1, -1}, new float[] {1, 1}, 1.0), 1e-6);
    }

    @Test
    void nonIntegerPowerWithNegativeOverlapIsFinite() {
        // Reference: (-2)^1.5 = NaN. Guard: -0.1 * (-(2^1.5)) = +0.2828...
        double l = loss(new float[] {-1, -1}, new float[] {1, 1}, 1.5);
        assertTrue(Double.isFinite(l));
        assertEquals(0.1 * Math.pow(2, 1.5), l, 1e-6);
    }

    @Test
    void targetIsDetachedAndGradientPullsTowardsIt() {
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray x = m.create(new float[] {0.5f, 0.1f, 0.2f});
            NDArray y = m.create(new float[] {1f, 2f, 3f});
            x.setRequiresGradient(true);
            y.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(CaricatureLoss.layerLoss(x, y, 1.0));
            }
            // d/dx [-(num/‖y‖)·num] = -2·num/‖y‖ · y
            double num = 0.5 + 0.2 + 0.6;
            double norm = Math.sqrt(14) + 1e-6;
            float[] expected = new float[3];
            float[] yv = {1f, 2f, 3f};
            for (int i = 0; i < 3; i++) {
                expected[i] = (float) (-2 * num / norm * yv[i]);
            }
            assertArrayEquals(expected, x.getGradient().toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0, 0, 0}, y.getGradient().toFloatArray(), 0f);
        }
    }
}
