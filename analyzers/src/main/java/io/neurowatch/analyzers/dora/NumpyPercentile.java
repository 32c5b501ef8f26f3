package io.neurowatch.analyzers.dora;

import java.util.Arrays;

/**
 * {@code numpy.percentile(values, q)} with the default {@code method='linear'}, reproducing NumPy's arithmetic
 * (p = q/100, virtual index (n − 1)·p, and its two-sided lerp) so that thresholds agree to the last bit.
 * Stateless and thread-safe.
 */
public final class NumpyPercentile {
    private NumpyPercentile() {
    }

    /**
     * @param values the sample; not modified
     * @param q percentile in [0, 100]
     * @throws IllegalArgumentException if {@code values} is empty, contains NaN, or q is out of range
     */
    public static double linear(double[] values, double q) {
        if (values.length == 0) {
            throw new IllegalArgumentException("percentile of an empty sample");
        }
        if (!(q >= 0 && q <= 100)) {
            throw new IllegalArgumentException("percentile must lie in [0, 100], got " + q);
        }
        double[] v = values.clone();
        for (double x : v) {
            if (Double.isNaN(x)) {
                throw new IllegalArgumentException("percentile of a sample containing NaN");
            }
        }
        Arrays.sort(v);
        int n = v.length;
        double p = q / 100.0;
        double virtual = (n - 1) * p;
        double prev = Math.floor(virtual);
        double gamma = virtual - prev;
        int lo = (int) Math.max(0, Math.min(n - 1, prev));
        int hi = (int) Math.max(0, Math.min(n - 1, prev + 1));
        double a = v[lo];
        double b = v[hi];
        double diff = b - a;
        // numpy._lerp: interpolate from the nearer end to keep monotonicity and exact endpoints.
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
    }
}
