package io.neurowatch.analyzers.invert;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import org.apache.commons.math3.special.Erf;

/**
 * Mann–Whitney U test p-values with SciPy 1.10.1 semantics ({@code mannwhitneyu(x, y, use_continuity=True,
 * method='auto')}), spec invert.md §3.5.
 *
 * <p>x = activations outside the formula (n₀ samples), y = inside (n₁). The 'auto' rule picks the exact null
 * distribution when one group has at most 8 samples and no value is tied anywhere; otherwise the normal
 * approximation with tie correction and a continuity correction of 0.5. Note SciPy's rule, which later versions
 * changed: small-group p-values depend on the SciPy version. Stateless and thread-safe.
 */
public final class MannWhitney {
    private static final double SQRT2 = Math.sqrt(2.0);

    private MannWhitney() {
    }

    /**
     * @param n1 size of the formula's support (y)
     * @param total N = n₀ + n₁
     * @param rank2Sum doubled midrank sum of the support, ranks over all N values
     * @param tieTerm {@code Σ(t³ − t)} over the tie groups of all N values
     * @param ties whether any two of the N values are equal
     * @return the p-value in [0, 1], or NaN when a group is empty (SciPy raises there)
     */
    public static double pValue(long n1, long total, long rank2Sum, double tieTerm, boolean ties,
                                Alternative alternative) {
        long n0 = total - n1;
        if (n0 <= 0 || n1 <= 0) {
            return Double.NaN;
        }
        // Rank sum of x, doubled: all ranks sum to N(N+1).
        long rank2X = total * (total + 1) - rank2Sum;
        long twiceU1 = rank2X - n0 * (n0 + 1);
        long twiceProduct = 2 * n0 * n1;
        long twiceU2 = twiceProduct - twiceU1;
        long twiceU;
        int factor;
        switch (alternative) {
            case GREATER -> {
                twiceU = twiceU1;
                factor = 1;
            }
            case LESS -> {
                twiceU = twiceU2;
                factor = 1;
            }
            default -> {
                twiceU = Math.max(twiceU1, twiceU2);
                factor = 2;
            }
        }
        double p;
        if ((n0 > 8 && n1 > 8) || ties) {
            double u = twiceU / 2.0;
            double nn = total;
            double s = Math.sqrt((double) n0 * n1 / 12.0 * ((nn + 1) - tieTerm / (nn * (nn - 1))));
            double z = (u - (double) n0 * n1 / 2.0 - 0.5) / s;
            p = normalSf(z);
        } else {
            // Without ties U is an integer.
            p = exactSf(twiceU / 2, n0, n1);
        }
        p *= factor;
        return Math.min(1.0, Math.max(0.0, p));
    }

    /** Upper tail of the standard normal, accurate in relative terms far into the tail. */
    static double normalSf(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        return 0.5 * Erf.erfc(z / SQRT2);
    }

    /**
     * P(U ≥ u) under the null for group sizes m and n, from the exact count of arrangements: the coefficients of
     * the Gaussian binomial [m+n choose m]_q (the number of arrangements with U = k is the coefficient of qᵏ).
     * Only the shorter tail is expanded, in exact integers.
     */
    static double exactSf(long u, long m, long n) {
        long mn = m * n;
        if (u <= 0) {
            return 1.0;
        }
        if (u > mn) {
            return 0.0;
        }
        // P(U >= u) = P(U <= mn - u) by symmetry.
        long k = mn - u;
        BigInteger total = binomial(m + n, Math.min(m, n));
        BigInteger count;
        if (k <= mn / 2) {
            count = cumulativeCount(k, m, n);
        } else {
            // P(U <= k) = 1 - P(U <= mn - k - 1), and mn - k - 1 = u - 1 is the short side.
            count = total.subtract(cumulativeCount(u - 1, m, n));
        }
        return new BigDecimal(count).divide(new BigDecimal(total), MathContext.DECIMAL64).doubleValue();
    }

    /** Number of arrangements with U ≤ k. */
    private static BigInteger cumulativeCount(long k, long m, long n) {
        if (k < 0) {
            return BigInteger.ZERO;
        }
        int deg = Math.toIntExact(k);
        long small = Math.min(m, n);
        long big = Math.max(m, n);
        BigInteger[] c = new BigInteger[deg + 1];
        java.util.Arrays.fill(c, BigInteger.ZERO);
        c[0] = BigInteger.ONE;
        // G_i = G_{i-1} (1 - q^{big+i}) / (1 - q^i), truncated at degree k; G_small = [m+n choose m]_q.
        for (long i = 1; i <= small; i++) {
            long shift = big + i;
            if (shift <= deg) {
                for (int d = deg; d >= shift; d--) {
                    c[d] = c[d].subtract(c[(int) (d - shift)]);
                }
            }
            for (int d = (int) i; d <= deg; d++) {
                c[d] = c[d].add(c[(int) (d - i)]);
            }
        }
        BigInteger sum = BigInteger.ZERO;
        for (BigInteger x : c) {
            sum = sum.add(x);
        }
        return sum;
    }

    private static BigInteger binomial(long n, long k) {
        BigInteger r = BigInteger.ONE;
        for (long i = 1; i <= k; i++) {
            r = r.multiply(BigInteger.valueOf(n - k + i)).divide(BigInteger.valueOf(i));
        }
        return r;
    }
}
