package io.neurowatch.analyzers.dora;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The {@code count} algebraically largest eigenpairs of a symmetric matrix. Small matrices use commons-math's full
 * decomposition (exact, O(k³)); larger ones use Lanczos with full re-orthogonalisation (O(k²) per step, usually a
 * few dozen to a few hundred steps), which is what makes a 2 000-neuron atlas take seconds instead of a minute.
 * Deterministic: the start vector comes from a fixed seed. Stateless and thread-safe.
 */
final class SymmetricEigen {
    /** Above this size the iterative solver is used. */
    static final int EXACT_LIMIT = 600;
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

    /**
     * Lanczos with full re-orthogonalisation: the Krylov basis grows until the top {@code count} Ritz pairs have
     * residual ‖B·x − θ·x‖ = |β_m·s_m| below the tolerance (or the basis spans the space, when the result is exact).
     * Extreme eigenvalues converge in far fewer steps than with subspace iteration when the spectrum is flat, and
     * negative eigenvalues (a non-Euclidean D) need no shift. A breakdown (an exhausted invariant subspace) ends the
     * search when it already holds {@code count} Ritz pairs: with a random start this misses only an exactly repeated
     * top eigenvalue, which does not occur in measured data (small matrices take the exact path anyway).
     */
    private static Pairs iterative(double[][] b, int count) {
        int k = b.length;
        Random rnd = new Random(0x5EED);
        double[][] basis = new double[k][];
        double[] alpha = new double[k];
        double[] beta = new double[k];
        double[] v = randomUnit(rnd, k, basis, 0);
        int m = 0;
        int nextCheck = Math.min(k, Math.max(2 * count + 8, 32));
        while (true) {
            basis[m] = v;
            double[] w = multiply(b, v);
            alpha[m] = dot(w, v);
            // Two passes of Gram–Schmidt against the whole basis keep it orthogonal to working precision, which
            // plain three-term Lanczos does not (ghost eigenvalues).
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j <= m; j++) {
                    double c = dot(w, basis[j]);
                    for (int i = 0; i < k; i++) {
                        w[i] -= c * basis[j][i];
                    }
                }
            }
            double norm = Math.sqrt(dot(w, w));
            m++;
            if (m == k) {
                break;
            }
            double scale = 0;
            for (int j = 0; j < m; j++) {
                scale = Math.max(scale, Math.abs(alpha[j]) + Math.abs(beta[j]));
            }
            boolean breakdown = norm <= 1e-12 * Math.max(scale, Double.MIN_NORMAL);
            if (m >= nextCheck || breakdown) {
                if (m >= count && converged(alpha, beta, m, count, breakdown ? 0 : norm, scale)) {
                    break;
                }
                nextCheck = Math.min(k, m + Math.max(16, m / 4));
            }
            if (breakdown) {
                // An invariant subspace is exhausted: continue from a fresh direction (T becomes block-diagonal).
                beta[m - 1] = 0;
                v = randomUnit(rnd, k, basis, m);
            } else {
                beta[m - 1] = norm;
                for (int i = 0; i < k; i++) {
                    w[i] /= norm;
                }
                v = w;
            }
        }
        Pairs ritz = tridiagonal(alpha, beta, m, count);
        double[][] vectors = new double[count][k];
        for (int c = 0; c < count; c++) {
            double[] s = ritz.vectors()[c];
            for (int j = 0; j < m; j++) {
                double coef = s[j];
                double[] q = basis[j];
                for (int i = 0; i < k; i++) {
                    vectors[c][i] += coef * q[i];
                }
            }
        }
        return new Pairs(ritz.values(), vectors);
    }

    private static boolean converged(double[] alpha, double[] beta, int m, int count, double nextBeta,
                                     double scale) {
        Pairs ritz = tridiagonal(alpha, beta, m, count);
        for (int c = 0; c < count; c++) {
            double[] s = ritz.vectors()[c];
            if (Math.abs(nextBeta * s[m - 1]) > TOLERANCE * Math.max(scale, Double.MIN_NORMAL)) {
                return false;
            }
        }
        return true;
    }

    /** Top {@code count} eigenpairs of the m×m tridiagonal matrix (alpha on the diagonal, beta beside it). */
    private static Pairs tridiagonal(double[] alpha, double[] beta, int m, int count) {
        double[][] t = new double[m][m];
        for (int j = 0; j < m; j++) {
            t[j][j] = alpha[j];
            if (j + 1 < m) {
                t[j][j + 1] = beta[j];
                t[j + 1][j] = beta[j];
            }
        }
        return exact(t, Math.min(count, m));
    }

    /** A deterministic random unit vector orthogonal to {@code basis[0..m)}. */
    private static double[] randomUnit(Random rnd, int k, double[][] basis, int m) {
        while (true) {
            double[] v = new double[k];
            for (int i = 0; i < k; i++) {
                v[i] = rnd.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < m; j++) {
                    double c = dot(v, basis[j]);
                    for (int i = 0; i < k; i++) {
                        v[i] -= c * basis[j][i];
                    }
                }
            }
            double n = Math.sqrt(dot(v, v));
            if (n > 1e-8) {
                for (int i = 0; i < k; i++) {
                    v[i] /= n;
                }
                return v;
            }
        }
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
