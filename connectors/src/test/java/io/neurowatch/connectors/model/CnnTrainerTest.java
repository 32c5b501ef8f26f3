package io.neurowatch.connectors.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The trainer learns an easy task and reports every epoch. */
class CnnTrainerTest {

    /** 1×8×8 images: class 0 is bright on the left half, class 1 on the right, plus noise. */
    private static void halves(long seed, int n, float[] x, int[] y) {
        Random rnd = new Random(seed);
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(2);
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 8; c++) {
                    boolean lit = (c < 4) == (y[i] == 0);
                    x[i * 64 + r * 8 + c] = (lit ? 0.7f : 0.2f) + 0.15f * (float) rnd.nextGaussian();
                }
            }
        }
    }

    @Test
    void learnsASeparableTaskAndLogsEachEpoch() {
        int n = 512;
        float[] x = new float[n * 64];
        int[] y = new int[n];
        halves(1, n, x, y);
        float[] hx = new float[200 * 64];
        int[] hy = new int[200];
        halves(2, 200, hx, hy);
        List<CnnTrainer.EpochStats> seen = new ArrayList<>();
        try (TappedModel model = SmallCnn.create(new SmallCnn.Config(1, 8, 8, 2, 4, 8, 8), 3)) {
            double before = CnnTrainer.accuracy(model, hx, hy, 64);
            List<CnnTrainer.EpochStats> history = CnnTrainer.train(model, x, y,
                    new CnnTrainer.Params(4, 32, 5e-3f, 7), seen::add);
            assertEquals(history, seen);
            assertEquals(4, history.size());
            assertEquals(n, history.get(0).samples());
            assertTrue(history.get(3).loss() < history.get(0).loss(), history.toString());
            assertTrue(history.get(3).accuracy() > 0.95, history.toString());
            assertTrue(history.get(0).toString().matches("epoch 1/4: loss \\d+\\.\\d{4}, accuracy \\d+\\.\\d%, "
                    + "\\d+ images/s \\(\\d+\\.\\d s\\)"), history.get(0).toString());
            double after = CnnTrainer.accuracy(model, hx, hy, 64);
            assertTrue(after > 0.95 && after > before, "held-out accuracy " + before + " -> " + after);
        }
    }

    @Test
    void rejectsArraysThatDoNotMatchTheInputShape() {
        try (TappedModel model = SmallCnn.create(new SmallCnn.Config(1, 8, 8, 2, 4, 8, 8), 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CnnTrainer.train(model, new float[100], new int[2], CnnTrainer.Params.defaults(0), null));
            assertTrue(e.getMessage().contains("[1, 8, 8]"), e.getMessage());
        }
    }
}
