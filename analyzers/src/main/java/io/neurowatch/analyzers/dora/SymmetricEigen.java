package io.neurowatch.analyzers.dora;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The {@code count} algebraically largest eigenpairs of a symmetric matrix. Small matrices use commons-math's full
 * decomposition (exact, O(k³)); larger ones use subspace iteration with Rayleigh–Ritz on the matrix shifted to be
 * positive semi-definite (O(k²·p) per step), which is what makes a 2 000-neuron atlas take seconds instead of a
 * minute. Deterministic: the start block comes from a fixed seed. Stateless and thread-safe.
 */
final class SymmetricEigen {
    /** Above this size the iterative solver is used. */
    static final int EXACT_LIMIT = 600;
    private static final int MAX_ITERATIONS = 5000;
    private static final double TOLERANCE = 1e-11;

    private SymmetricEigen() {
    }

    /** Eigenvalues (descending) and unit eigenvectors, {@code vectors[i]} belonging to {@code values[i]}. */
    record Pairs(double[] values, double[][] vectors) {
    }

    static Pairs top(double[][] b, int count) {
        return top(b, count, b.length <= EXACT_LIMIT);
    }

    static Pairs top(double[][] b, int count, boolean exact) {
        int k = b.length;
        if (count > k) {
            throw new IllegalArgumentException("asked for " + count + " eigenpairs of a " + k + "x" + k + " matrix");
        }
        return exact ? exact(b, count) : iterative(b, count);
    }

    private static Pairs exact(double[][] b, int count) {
        EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(b, false));
        double[] all = e.getRealEigenvalues();
        Integer[] order = new Integer[all.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(all[q], all[p]));
        double[] values = new double[count];
        double[][] vectors = new double[count][];
        for (int i = 0; i < count; i++) {
            values[i] = all[order[i]];
            vectors[i] = e.getEigenvector(order[i]).toArray();
        }
        return new Pairs(values, vectors);
    }

    private static Pairs iterative(double[][] b, int count) {
        int k = b.length;
        int p = Math.min(k, Math.max(2 * count, count + 10));
        // Subspace iteration finds the largest |λ|; shifting by an estimate of the spectral radius makes those the
        // algebraically largest, which is what MDS needs when D is not Euclidean (negative eigenvalues).
        double shift = spectralRadiusEstimate(b);
        Random rnd = new Random(0x5EED);
        double[][] q = new double[p][k];
        for (double[] v : q) {
            for (int i = 0; i < k; i++) {
                v[i] = rnd.nextGaussian();
            }
        }
        orthonormalise(q);
        double[] theta = new double[p];
        double[][] ritz = q;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[][] z = new double[p][];
            for (int c = 0; c < p; c++) {
                z[c] = multiply(b, q[c]);
                for (int i = 0; i < k; i++) {
                    z[c][i] += shift * q[c][i];
                }
            }
            double[][] t = new double[p][p];
            for (int r = 0; r < p; r++) {
                for (int c = r; c < p; c++) {
                    double s = (dot(q[r], z[c]) + dot(q[c], z[r])) / 2;
                    t[r][c] = s;
                    t[c][r] = s;
                }
            }
            Pairs small = exact(t, p);
            ritz = combine(q, small.vectors());
            double[][] images = combine(z, small.vectors());
            theta = small.values();
            double scale = Math.max(Math.abs(theta[0]), Double.MIN_NORMAL);
            boolean converged = true;
            for (int c = 0; c < count; c++) {
                double r = 0;
                for (int i = 0; i < k; i++) {
                    double e = images[c][i] - theta[c] * ritz[c][i];
                    r += e * e;
                }
                if (Math.sqrt(r) > TOLERANCE * scale) {
                    converged = false;
                }
            }
            if (converged) {
                break;
            }
            orthonormalise(images);
            q = images;
        }
        double[] values = new double[count];
        double[][] vectors = new double[count][];
        for (int c = 0; c < count; c++) {
            values[c] = theta[c] - shift;
            vectors[c] = ritz[c];
        }
        return new Pairs(values, vectors);
    }

    /** ‖B‖ estimated by power iteration, rounded up so that B + shift·I is positive semi-definite in practice. */
    private static double spectralRadiusEstimate(double[][] b) {
        int k = b.length;
        double[] v = new double[k];
        Random rnd = new Random(0xB0B);
        for (int i = 0; i < k; i++) {
            v[i] = rnd.nextGaussian();
        }
        double lambda = 0;
        for (int it = 0; it < 100; it++) {
            double n = Math.sqrt(dot(v, v));
            if (n == 0) {
                return 0;
            }
            for (int i = 0; i < k; i++) {
                v[i] /= n;
            }
            double[] w = multiply(b, v);
            double next = Math.sqrt(dot(w, w));
            v = w;
            if (Math.abs(next - lambda) <= 1e-6 * next) {
                lambda = next;
                break;
            }
            lambda = next;
        }
        // Power iteration approaches ‖B‖ from below; the margin covers the shortfall.
        return 1.05 * lambda;
    }

    private static double[][] combine(double[][] basis, double[][] coefficients) {
        int k = basis[0].length;
        double[][] out = new double[coefficients.length][k];
        for (int c = 0; c < coefficients.length; c++) {
            for (int j = 0; j < basis.length; j++) {
                double w = coefficients[c][j];
                double[] src = basis[j];
                double[] dst = out[c];
                for (int i = 0; i < k; i++) {
                    dst[i] += w * src[i];
                }
            }
        }
        return out;
    }

    /** Modified Gram–Schmidt, twice for stability; a column that vanishes is replaced by a unit vector. */
    private static void orthonormalise(double[][] cols) {
        int k = cols[0].length;
        for (int pass = 0; pass < 2; pass++) {
            for (int c = 0; c < cols.length; c++) {
                int fallback = 0;
                while (!project(cols, c)) {
                    // c < k columns cannot span all k unit vectors, so one of them survives the projection.
                    Arrays.fill(cols[c], 0);
                    cols[c][fallback++] = 1;
                }
            }
        }
    }

    /** Removes the components along columns 0..c−1 and normalises; false if nothing is left. */
    private static boolean project(double[][] cols, int c) {
        int k = cols[c].length;
        double before = Math.sqrt(dot(cols[c], cols[c]));
        for (int j = 0; j < c; j++) {
            double s = dot(cols[j], cols[c]);
            for (int i = 0; i < k; i++) {
                cols[c][i] -= s * cols[j][i];
            }
        }
        double n = Math.sqrt(dot(cols[c], cols[c]));
        if (!(n > 1e-12 * before) || n == 0) {
            return false;
        }
        for (int i = 0; i < k; i++) {
            cols[c][i] /= n;
        }
        return true;
    }

    private static double[] multiply(double[][] b, double[] v) {
        int k = b.length;
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            out[i] = dot(b[i], v);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
