package io.neurowatch.analyzers.dora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Spec dora.md §3.6 and §9 item 3 (values from scikit-learn 1.2). */
class LocalOutlierFactorTest {

    private static double[][] absDistances(double[] x) {
        double[][] d = new double[x.length][x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                d[i][j] = Math.abs(x[i] - x[j]);
            }
        }
        return d;
    }

    @Test
    void fourPointsOnALineWithAuto() {
        LofResult r = new LocalOutlierFactor(2, Contamination.auto()).fit(absDistances(new double[] {-1.1, 0.2,
            101.1, 0.3}));
        assertArrayEquals(new double[] {-0.982143, -1.037037, -73.369709, -0.982143}, r.negativeOutlierFactor(),
                5e-7);
        assertEquals(-1.5, r.offset());
        assertArrayEquals(new boolean[] {false, false, true, false}, r.outlier());
        assertArrayEquals(new int[] {2, 1, 0, 3}, r.ranking());
        assertEquals(2, r.nNeighbors());
    }

    @Test
    void layerWiseClosedFormWithContamination02FlagsThree() {
        double[][] d = new EaDistance(DistanceMode.LAYER_WISE, false)
                .compute(MeanEncodings.of(EaDistanceTest.closedForm())).distances();
        LofResult r = new LocalOutlierFactor(3, Contamination.of(0.2)).fit(d);
        assertArrayEquals(new double[] {-1.035000, -0.980585, -0.990555, -1.037157, -0.975946, -1.021088},
                r.negativeOutlierFactor(), 5e-7);
        assertEquals(-1.0349996, r.offset(), 5e-8);
        assertArrayEquals(new int[] {3}, r.outliers());
    }

    @Test
    void contamination001Flags6Of512And10Of1000() {
        for (int[] c : new int[][] {{512, 6}, {1000, 10}}) {
            Random rnd = new Random(c[0]);
            int n = c[0];
            double[][] pts = new double[n][3];
            for (double[] p : pts) {
                for (int t = 0; t < 3; t++) {
                    p[t] = rnd.nextGaussian();
                }
            }
            double[][] d = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int t = 0; t < 3; t++) {
                        s += (pts[i][t] - pts[j][t]) * (pts[i][t] - pts[j][t]);
                    }
                    d[i][j] = Math.sqrt(s);
                }
            }
            LofResult r = new LocalOutlierFactor(20, Contamination.of(0.01)).fit(d);
            assertEquals(c[1], r.outliers().length, n + " points");
            int[] rank = r.ranking();
            for (int i = 0; i < c[1]; i++) {
                assertTrue(r.outlier()[rank[i]], "the top of the ranking is flagged");
            }
        }
    }

    @Test
    void neighbourhoodsAreClampedToKMinusOne() {
        LofResult r = new LocalOutlierFactor(20, Contamination.auto()).fit(absDistances(new double[] {0, 1, 3}));
        assertEquals(2, r.nNeighbors());
        assertArrayEquals(new int[] {1, 2}, r.neighbors()[0]);
        assertArrayEquals(new int[] {0, 2}, r.neighbors()[1]);
    }

    @Test
    void tiesAreBrokenByIndex() {
        // Point 1 is equidistant from 0 and 2.
        LofResult r = new LocalOutlierFactor(1, Contamination.auto()).fit(absDistances(new double[] {0, 1, 2}));
        assertArrayEquals(new int[] {0}, r.neighbors()[1]);
    }

    @Test
    void duplicatesThatPushThePointOutDropTheFirstNeighbourAsSklearn() {
        // Points 0..3 coincide. For point 3 with n_neighbors 2, the 3 nearest by (distance, index) are 0, 1, 2:
        // itself is not among them, so sklearn masks the first and keeps 1, 2.
        double[][] d = absDistances(new double[] {0, 0, 0, 0, 5});
        LofResult r = new LocalOutlierFactor(2, Contamination.auto()).fit(d);
        assertArrayEquals(new int[] {1, 2}, r.neighbors()[3]);
        assertArrayEquals(new int[] {1, 2}, r.neighbors()[0]);
        assertArrayEquals(new int[] {0, 2}, r.neighbors()[1]);
        assertArrayEquals(new int[] {0, 1}, r.neighbors()[2]);
        // lrd of the duplicates is 1/(0 + 1e-10) = 1e10, so their nof is exactly −1 and point 4 is an extreme outlier.
        assertEquals(-1.0, r.negativeOutlierFactor()[3], 0);
        assertEquals(1e10, r.localReachabilityDensity()[0], 1);
        assertTrue(r.negativeOutlierFactor()[4] < -1e9);
        assertArrayEquals(new int[] {4}, r.outliers());
    }

    @Test
    void badInputIsRejected() {
        LocalOutlierFactor lof = new LocalOutlierFactor(2, Contamination.auto());
        assertThrows(IllegalArgumentException.class, () -> lof.fit(new double[][] {{0}}));
        assertThrows(IllegalArgumentException.class, () -> lof.fit(new double[][] {{0, 1}, {1}}));
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> lof.fit(new double[][] {{0, -1}, {1, 0}}));
        assertTrue(neg.getMessage().contains("[0, 1]"), neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lof.fit(new double[][] {{0, Double.NaN}, {1, 0}}));
        assertThrows(IllegalArgumentException.class, () -> new LocalOutlierFactor(0, Contamination.auto()));
    }

    @Test
    void contaminationMustLieInZeroToHalf() {
        assertThrows(IllegalArgumentException.class, () -> Contamination.of(0));
        assertThrows(IllegalArgumentException.class, () -> Contamination.of(0.51));
        assertThrows(IllegalArgumentException.class, () -> Contamination.of(-0.1));
        assertThrows(IllegalArgumentException.class, () -> Contamination.parse("lots"));
        assertEquals(0.5, Contamination.of(0.5).fraction());
        assertTrue(Contamination.parse(" AUTO ").isAuto());
        assertEquals(0.01, Contamination.parse("0.01").fraction());
    }

    @Test
    void percentileMatchesNumpyLinear() {
        double[] v = {4, 1, 3, 2};
        assertEquals(1.3, NumpyPercentile.linear(v, 10), 1e-15);
        assertEquals(2.5, NumpyPercentile.linear(v, 50), 0);
        assertEquals(1, NumpyPercentile.linear(v, 0), 0);
        assertEquals(4, NumpyPercentile.linear(v, 100), 0);
        assertEquals(7, NumpyPercentile.linear(new double[] {7}, 1), 0);
        // numpy.percentile(np.arange(24.), 1) = 0.23
        double[] ramp = new double[24];
        for (int i = 0; i < 24; i++) {
            ramp[i] = i;
        }
        assertEquals(0.23, NumpyPercentile.linear(ramp, 1), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> NumpyPercentile.linear(new double[0], 5));
    }
}
