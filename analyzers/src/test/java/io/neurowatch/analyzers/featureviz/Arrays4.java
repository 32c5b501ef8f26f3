package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Tolerance comparisons that report the worst element, numpy.allclose-style (|a − b| ≤ atol + rtol·|b|). */
final class Arrays4 {
    private Arrays4() {
    }

    static double maxAbsDiff(float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length, "length");
        double m = 0;
        for (int i = 0; i < actual.length; i++) {
            m = Math.max(m, Math.abs((double) actual[i] - expected[i]));
        }
        return m;
    }

    static void assertAllClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < actual.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " (max abs diff "
                        + maxAbsDiff(actual, expected) + ")");
            }
        }
    }

    static void assertAllClose(double[] expected, double[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < actual.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    /** NCHW [1,3,H,W] → HWC. */
    static float[] chwToHwc(float[] chw, int h, int w) {
        float[] out = new float[chw.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(y * w + x) * 3 + c] = chw[(c * h + y) * w + x];
                }
            }
        }
        return out;
    }

    /** The §9 deterministic parameter: P_flat[k] = ((k mod 7) − 3)·0.01. */
    static float[] deterministicParameter(int size) {
        float[] p = new float[size];
        for (int k = 0; k < size; k++) {
            p[k] = (float) (((k % 7) - 3) * 0.01);
        }
        return p;
    }
}
