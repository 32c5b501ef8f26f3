package io.neurowatch.analyzers.clipdissect;

import java.util.Arrays;

/**
 * rank_reorder (spec §3.3) for one unit: how well the order of each concept's similarities over the unit's top
 * images reproduces the order of its activations, relative to random orders, divided by the concept's mean
 * similarity to the power scale_p. Immutable.
 */
final class RankReorder {
    private final DissectParams params;
    private final PermutationSource permutations;

    RankReorder(DissectParams params, PermutationSource permutations) {
        this.params = params;
        this.permutations = permutations;
    }

    /**
     * The base error: mean over the permutations π of mean_i |v↑_i − v↑_π(i)|^p, where v↑ is the top activations
     * ascending. 0 when the top activations are all equal.
     *
     * @param valuesDesc the unit's top activations, descending
     */
    double baseError(int unit, double[] valuesDesc) {
        int n = valuesDesc.length;
        double[] asc = reversed(valuesDesc);
        double total = 0;
        for (int r = 0; r < params.permutations(); r++) {
            int[] perm = permutations.permutation(unit, r, n);
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.pow(Math.abs(asc[i] - asc[perm[i]]), params.power());
            }
            total += s / n;
        }
        return total / params.permutations();
    }

    /**
     * Scores every concept.
     *
     * @param valuesDesc top activations, descending
     * @param rows P rows of the top images in the same order, row-major [n, m]
     * @param base {@link #baseError}
     * @return −err_m / mean(P[top, m])^scale_p; a concept whose mean similarity is ≤ 0 gets NaN in compat mode
     *     (as the reference) and −∞ otherwise, so that it is never the label
     */
    double[] scores(double[] valuesDesc, float[] rows, int m, double base) {
        int n = valuesDesc.length;
        double[] asc = reversed(valuesDesc);
        double[] out = new double[m];
        long[] keys = new long[n];
        int[] rank = new int[n];
        for (int c = 0; c < m; c++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                float v = rows[i * m + c];
                mean += v;
                keys[i] = ((long) sortable(v) << 32) | i;
            }
            mean /= n;
            // Ascending rank of each top image's similarity; equal similarities keep the activation order.
            Arrays.sort(keys);
            for (int pos = 0; pos < n; pos++) {
                rank[(int) keys[pos]] = pos;
            }
            double err = 0;
            for (int i = 0; i < n; i++) {
                err += Math.pow(Math.abs(valuesDesc[i] - asc[rank[i]]), params.power());
            }
            err = err / n / base;
            double score = -err / Math.pow(mean, params.scaleP());
            if (!params.referenceCompat() && !(mean > 0)) {
                score = Double.NEGATIVE_INFINITY;
            }
            out[c] = score;
        }
        return out;
    }

    /** A signed int whose order is the float's numeric order (−0 before +0; P has no NaN). */
    private static int sortable(float v) {
        int b = Float.floatToIntBits(v);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    private static double[] reversed(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[v.length - 1 - i];
        }
        return r;
    }
}
