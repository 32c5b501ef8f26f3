package io.neurowatch.analyzers.dora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassicalMdsTest {

    private static double[][] planted(int n, long seed) {
        Random rnd = new Random(seed);
        double[][] p = new double[n][2];
        for (double[] q : p) {
            q[0] = 3 * rnd.nextGaussian();
            q[1] = rnd.nextGaussian();
        }
        return p;
    }

    private static double[][] euclidean(double[][] p) {
        int n = p.length;
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < p[i].length; t++) {
                    s += (p[i][t] - p[j][t]) * (p[i][t] - p[j][t]);
                }
                d[i][j] = Math.sqrt(s);
            }
        }
        return d;
    }

    /** Rotation, reflection and translation preserve all pairwise distances, and nothing else does. */
    private static void assertRecovers(double[][] d, Embedding2d e, double tol) {
        double[][] q = new double[e.size()][];
        for (int i = 0; i < q.length; i++) {
            q[i] = new double[] {e.x()[i], e.y()[i]};
        }
        double[][] got = euclidean(q);
        for (int i = 0; i < d.length; i++) {
            assertArrayEquals(d[i], got[i], tol, "row " + i);
        }
    }

    @Test
    void recoversAPlanted2dConfigurationWithEitherSolver() {
        double[][] d = euclidean(planted(40, 3));
        assertRecovers(d, ClassicalMds.embed(d, true), 1e-9);
        assertRecovers(d, ClassicalMds.embed(d, false), 1e-7);
        Embedding2d e = ClassicalMds.embed(d);
        double meanX = 0;
        for (double v : e.x()) {
            meanX += v;
        }
        assertEquals(0, meanX / e.size(), 1e-10, "centred");
        assertTrue(e.eigenvalues()[0] >= e.eigenvalues()[1]);
    }

    @Test
    void iterativeSolverMatchesTheExactOneOnANonEuclideanMatrix() {
        Random rnd = new Random(11);
        int n = 150;
        double[][] p = new double[n][6];
        for (double[] q : p) {
            for (int t = 0; t < 6; t++) {
                q[t] = rnd.nextGaussian() * (t + 1);
            }
        }
        double[][] d = euclidean(p);
        // Squaring then rooting a perturbed metric makes B indefinite.
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = Math.pow(d[i][j], 0.7) + 0.3 * rnd.nextDouble();
                d[i][j] = v;
                d[j][i] = v;
            }
        }
        Embedding2d exact = ClassicalMds.embed(d, true);
        Embedding2d iter = ClassicalMds.embed(d, false);
        assertArrayEquals(exact.eigenvalues(), iter.eigenvalues(), 1e-8 * exact.eigenvalues()[0]);
        assertArrayEquals(exact.x(), iter.x(), 1e-6);
        assertArrayEquals(exact.y(), iter.y(), 1e-6);
    }

    @Test
    void lanczosFindsTheTopOfAFlatIndefiniteSpectrum() {
        Random rnd = new Random(5);
        int n = 400;
        double[][] b = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = rnd.nextGaussian();
                b[i][j] = v;
                b[j][i] = v;
            }
        }
        SymmetricEigen.Pairs exact = SymmetricEigen.top(b, 2, true);
        SymmetricEigen.Pairs iter = SymmetricEigen.top(b, 2, false);
        assertArrayEquals(exact.values(), iter.values(), 1e-8);
        for (int c = 0; c < 2; c++) {
            double dot = 0;
            for (int i = 0; i < n; i++) {
                dot += exact.vectors()[c][i] * iter.vectors()[c][i];
            }
            assertEquals(1.0, Math.abs(dot), 1e-6, "eigenvector " + c);
        }
    }

    @Test
    void deterministicAndDegenerateCases() {
        double[][] d = euclidean(planted(25, 5));
        assertEquals(ClassicalMds.embed(d), ClassicalMds.embed(d));
        Embedding2d one = ClassicalMds.embed(new double[][] {{0}});
        assertEquals(0, one.x()[0]);
        Embedding2d same = ClassicalMds.embed(new double[3][3]);
        assertArrayEquals(new double[3], same.x(), 0);
        Embedding2d two = ClassicalMds.embed(new double[][] {{0, 2}, {2, 0}});
        assertEquals(2, Math.abs(two.x()[0] - two.x()[1]), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ClassicalMds.embed(new double[][] {{0, Double.NaN},
            {1, 0}}));
        assertThrows(IllegalArgumentException.class, () -> ClassicalMds.embed(new double[0][0]));
    }
}
