package io.neurowatch.connectors.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.ActivationSource;
import java.io.IOException;

/** Comparisons of a source against the rows it should hold. */
final class Hdf5Assertions {
    private Hdf5Assertions() {
    }

    /** Every column block of width {@code block} (the last one shorter) equals the expected columns exactly. */
    static void assertColumns(float[][] expectedRows, ActivationSource src, int block) throws IOException {
        int d = expectedRows[0].length;
        assertEquals(expectedRows.length, src.rows());
        assertEquals(d, src.features());
        for (int from = 0; from < d; from += block) {
            int to = Math.min(d, from + block);
            double[][] cols = src.readColumns(from, to);
            assertEquals(to - from, cols.length);
            for (int j = from; j < to; j++) {
                double[] want = new double[expectedRows.length];
                for (int i = 0; i < expectedRows.length; i++) {
                    want[i] = expectedRows[i][j];
                }
                assertArrayEquals(want, cols[j - from], "column " + j + " read in block [" + from + ", " + to + ")");
            }
        }
    }

    /** Reading with different block widths gives identical columns. */
    static void assertBlockSplitsAgree(ActivationSource src, int... widths) throws IOException {
        int d = src.features();
        double[][] whole = src.readColumns(0, d);
        for (int w : widths) {
            for (int from = 0; from < d; from += w) {
                int to = Math.min(d, from + w);
                double[][] part = src.readColumns(from, to);
                for (int j = from; j < to; j++) {
                    assertTrue(java.util.Arrays.equals(whole[j], part[j - from]),
                            "column " + j + " differs between block widths " + d + " and " + w);
                }
            }
        }
    }

    static float[][] concat(float[][]... parts) {
        int n = 0;
        for (float[][] p : parts) {
            n += p.length;
        }
        float[][] out = new float[n][];
        int k = 0;
        for (float[][] p : parts) {
            for (float[] r : p) {
                out[k++] = r;
            }
        }
        return out;
    }
}
