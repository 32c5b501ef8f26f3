package io.neurowatch.analyzers.invert;

/**
 * Exact AUROC with ties counted ½, from a labelling's size and doubled rank sum (spec invert.md §3.1):
 * {@code AUROC = (R − n(n+1)/2) / (n(N−n)) = 2U / (2n(N−n))}.
 *
 * <p>Values are kept as fractions {@code num/den} of longs so that comparisons are exact; {@link #compare} uses
 * 128-bit products, so any N below ~3·10⁹ is exact. Stateless.
 */
public final class Auroc {
    private Auroc() {
    }

    /** Numerator 2U of the AUROC of n positives with doubled rank sum {@code rank2Sum}; 0 when n ∈ {0, N}. */
    static long numerator(long n, long total, long rank2Sum) {
        if (n <= 0 || n >= total) {
            return 0;
        }
        return rank2Sum - n * (n + 1);
    }

    /** Denominator 2n(N−n); 1 when n ∈ {0, N}, so that the degenerate AUROC is 0/1 as in the reference. */
    static long denominator(long n, long total) {
        if (n <= 0 || n >= total) {
            return 1;
        }
        return 2 * n * (total - n);
    }

    /** AUROC as a double: the reference's value 0 for an empty or full labelling. */
    public static double of(long n, long total, long rank2Sum) {
        return (double) numerator(n, total, rank2Sum) / denominator(n, total);
    }

    /** Sign of {@code a/b − c/d} for non-negative numerators and positive denominators, exactly. */
    static int compare(long a, long b, long c, long d) {
        long hi1 = Math.multiplyHigh(a, d);
        long hi2 = Math.multiplyHigh(c, b);
        if (hi1 != hi2) {
            return Long.compare(hi1, hi2);
        }
        return Long.compareUnsigned(a * d, c * b);
    }

    /**
     * AUROC of {@code scores} against {@code positive} by the midrank formula, for one-off use (detectors, tests).
     * O(N log N).
     */
    public static double of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(
                    "scores length " + scores.length + " != labels length " + positive.length);
        }
        Midranks ranks = new Midranks();
        ranks.compute(scores, scores.length);
        long n = 0;
        long r2 = 0;
        for (int i = 0; i < scores.length; i++) {
            if (positive[i]) {
                n++;
                r2 += ranks.rank2()[i];
            }
        }
        return of(n, scores.length, r2);
    }
}
