package io.neurowatch.analyzers.dora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec dora.md §9 items 1–2 and the D8/D9 fixes. */
class EaDistanceTest {

    /** A[i][j] = ((3i + 5j) mod 7)/7 + 2·[i = j], i, j = 0…5. */
    static double[][] closedForm() {
        double[][] a = new double[6][6];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                a[i][j] = ((3 * i + 5 * j) % 7) / 7.0 + (i == j ? 2 : 0);
            }
        }
        return a;
    }

    private static double sum(double[][] d) {
        double s = 0;
        for (double[] row : d) {
            for (double v : row) {
                s += v;
            }
        }
        return s;
    }

    private static void assertHollowSymmetric(double[][] d) {
        for (int i = 0; i < d.length; i++) {
            assertEquals(0.0, d[i][i], 0);
            for (int j = 0; j < d.length; j++) {
                assertEquals(d[i][j], d[j][i], 0, "symmetry at " + i + "," + j);
            }
        }
    }

    @Test
    void layerWiseClosedFormVector() {
        double[][] d = new EaDistance(DistanceMode.LAYER_WISE, false).compute(MeanEncodings.of(closedForm()))
                .distances();
        assertArrayEquals(new double[] {0, 0.486266, 0.433829, 0.598354, 0.433046, 0.552447}, d[0], 5e-7);
        assertEquals(0.636967, d[4][5], 5e-7);
        assertEquals(16.099857, sum(d), 5e-6);
        assertHollowSymmetric(d);
    }

    @Test
    void pairWiseClosedFormVector() {
        double[][] d = new EaDistance(DistanceMode.PAIR_WISE, false).compute(MeanEncodings.of(closedForm()))
                .distances();
        assertArrayEquals(new double[] {0, 0.492699, 0.479835, 0.637455, 0.432694, 0.581000}, d[0], 5e-7);
        assertEquals(0.666921, d[4][5], 5e-7);
        assertEquals(16.719249, sum(d), 5e-6);
        assertHollowSymmetric(d);
    }

    @Test
    void zeroRowIsAtOneOverRootTwoLayerWiseAndReportedDead() {
        double[][] a = closedForm();
        a[2] = new double[6];
        EaDistances ea = new EaDistance(DistanceMode.LAYER_WISE, false).compute(MeanEncodings.of(a));
        double[][] d = ea.distances();
        for (int j = 0; j < 6; j++) {
            assertEquals(j == 2 ? 0 : Math.sqrt(0.5), d[2][j], 1e-15);
            assertEquals(d[2][j], d[j][2], 0);
        }
        assertEquals(0.707107, d[2][0], 5e-7);
        assertArrayEquals(new int[] {2}, ea.deadRows());
        assertTrue(ea.nanPairs().isEmpty(), "layer-wise never divides by zero");
    }

    @Test
    void zeroRowPairWiseIsNaNAndReportedUnlessNanToZero() {
        double[][] a = closedForm();
        a[2] = new double[6];
        EaDistances kept = new EaDistance(DistanceMode.PAIR_WISE, false).compute(MeanEncodings.of(a));
        assertArrayEquals(new int[] {2}, kept.deadRows());
        assertEquals(List.of(new IndexPair(0, 2), new IndexPair(1, 2), new IndexPair(2, 3), new IndexPair(2, 4),
                new IndexPair(2, 5)), kept.nanPairs());
        for (int j = 0; j < 6; j++) {
            if (j != 2) {
                assertTrue(Double.isNaN(kept.distance(2, j)) && Double.isNaN(kept.distance(j, 2)));
            }
        }
        assertEquals(0.0, kept.distance(2, 2), 0);

        EaDistances zeroed = new EaDistance(DistanceMode.PAIR_WISE, true).compute(MeanEncodings.of(a));
        for (int j = 0; j < 6; j++) {
            assertEquals(0.0, zeroed.distance(2, j), 0);
        }
        assertEquals(5, zeroed.nanPairs().size(), "still reported after zeroing");
        // The rest of the matrix is untouched by the dead row.
        assertEquals(kept.distance(0, 1), zeroed.distance(0, 1), 0);
    }

    @Test
    void minimisationSignalsJoinTheProfileInsteadOfOverwriting() {
        double[][] plus = closedForm();
        EaDistance lw = new EaDistance(DistanceMode.LAYER_WISE, false);
        double[][] alone = lw.compute(MeanEncodings.of(plus)).distances();
        // Identical '−' responses double every profile: the direction, hence D, is unchanged.
        double[][] same = lw.compute(new MeanEncodings(plus, plus, 1)).distances();
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(alone[i], same[i], 1e-15);
        }
        double[][] minus = new double[6][6];
        for (int i = 0; i < 6; i++) {
            minus[i][(i + 1) % 6] = -1;
        }
        double[][] both = lw.compute(new MeanEncodings(plus, minus, 1)).distances();
        assertTrue(Math.abs(both[0][1] - alone[0][1]) > 1e-3, "'−' signals must change the distance");
        assertHollowSymmetric(both);

        EaDistance pw = new EaDistance(DistanceMode.PAIR_WISE, false);
        double[][] pAlone = pw.compute(MeanEncodings.of(plus)).distances();
        double[][] pSame = pw.compute(new MeanEncodings(plus, plus, 1)).distances();
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(pAlone[i], pSame[i], 1e-15);
        }
    }

    @Test
    void sampleMeanKeepsSignsApart() {
        int k = 2;
        int n = 2;
        float[] plus = {1, 3, 0, 0, 0, 0, 5, 7};
        float[] minus = {-1, -1, 2, 2, 4, 4, 0, 0};
        MeanEncodings e = MeanEncodings.fromSamples(plus, minus, k, n);
        assertArrayEquals(new double[] {2, 0}, e.plus()[0]);
        assertArrayEquals(new double[] {0, 6}, e.plus()[1]);
        assertArrayEquals(new double[] {-1, 2}, e.minus()[0]);
        assertArrayEquals(new double[] {2, 0, -1, 2}, e.profile(0));
        assertEquals(2, e.samples());
    }

    @Test
    void badEncodingsAreRejectedWithPosition() {
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> MeanEncodings.fromSamples(new float[] {1, 2, Float.NaN, 4}, null, 2, 1));
        assertTrue(nan.getMessage().contains("A+[1, 0, 0]"), nan.getMessage());
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                () -> MeanEncodings.fromSamples(new float[5], null, 2, 1));
        assertTrue(len.getMessage().contains("k*k*n"), len.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MeanEncodings.of(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class,
                () -> new MeanEncodings(new double[][] {{1}}, new double[][] {{1, 2}, {3, 4}}, 1));
        assertThrows(IllegalArgumentException.class, () -> DistanceMode.parse("cosine"));
        assertEquals(DistanceMode.PAIR_WISE, DistanceMode.parse("pairwise"));
    }
}
