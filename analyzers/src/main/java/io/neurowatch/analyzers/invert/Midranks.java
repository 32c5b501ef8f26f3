package io.neurowatch.analyzers.invert;

/**
 * Doubled midranks of one unit's activations, computed with one O(N log N) sort and reused for every formula.
 *
 * <p>{@code rank2[i]} = first + last 1-based position of sample i's tie group in ascending order, i.e. twice its
 * midrank, so that every rank sum stays an exact integer. Also records the tie term {@code Σ(t³ − t)} over tie groups
 * that the Mann–Whitney variance needs. Reusable: {@link #compute} overwrites the previous unit. Not thread-safe.
 */
final class Midranks {
    private int n;
    private int[] rank2 = new int[0];
    private int[] order = new int[0];
    private int[] tmpIdx = new int[0];
    private double[] keys = new double[0];
    private double[] tmpKeys = new double[0];
    private int[] groupStarts = new int[0];
    private int groups;
    private double tieTerm;
    private boolean ties;

    /** Ranks {@code values[0..n)}; values must be free of NaN (the caller validates). */
    void compute(double[] values, int n) {
        ensure(n);
        this.n = n;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            keys[i] = values[i];
        }
        sort(n);
        double term = 0;
        boolean anyTie = false;
        int start = 0;
        groups = 0;
        while (start < n) {
            groupStarts[groups++] = start;
            int end = start + 1;
            // == treats -0.0 and 0.0 as one value, as NumPy/torch ranking does.
            while (end < n && keys[end] == keys[start]) {
                end++;
            }
            int twice = (start + 1) + end;
            for (int k = start; k < end; k++) {
                rank2[order[k]] = twice;
            }
            long t = end - start;
            if (t > 1) {
                anyTie = true;
                term += (double) (t * t * t - t);
            }
            start = end;
        }
        this.tieTerm = term;
        this.ties = anyTie;
    }

    int size() {
        return n;
    }

    /** Doubled midranks; the array may be longer than {@link #size()}. Shared, do not modify. */
    int[] rank2() {
        return rank2;
    }

    /** {@code Σ(t³ − t)} over tie groups. */
    double tieTerm() {
        return tieTerm;
    }

    boolean hasTies() {
        return ties;
    }

    /** Sample indices in ascending order of value. Shared, do not modify. */
    int[] order() {
        return order;
    }

    /** Number of distinct values. */
    int groupCount() {
        return groups;
    }

    /** Position in {@link #order()} where each tie group starts, ascending; the first {@link #groupCount()} count. */
    int[] groupStarts() {
        return groupStarts;
    }

    private void ensure(int n) {
        if (rank2.length < n) {
            rank2 = new int[n];
            order = new int[n];
            tmpIdx = new int[n];
            keys = new double[n];
            tmpKeys = new double[n];
            groupStarts = new int[n];
        }
    }

    /** Bottom-up merge sort of (keys, order) pairs; insertion-sorted runs of 32 first. */
    private void sort(int n) {
        final int run = 32;
        for (int lo = 0; lo < n; lo += run) {
            int hi = Math.min(lo + run, n);
            for (int i = lo + 1; i < hi; i++) {
                double k = keys[i];
                int o = order[i];
                int j = i - 1;
                while (j >= lo && keys[j] > k) {
                    keys[j + 1] = keys[j];
                    order[j + 1] = order[j];
                    j--;
                }
                keys[j + 1] = k;
                order[j + 1] = o;
            }
        }
        double[] srcK = keys;
        int[] srcO = order;
        double[] dstK = tmpKeys;
        int[] dstO = tmpIdx;
        for (int width = run; width < n; width <<= 1) {
            for (int lo = 0; lo < n; lo += width << 1) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + (width << 1), n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    if (srcK[j] < srcK[i]) {
                        dstK[k] = srcK[j];
                        dstO[k++] = srcO[j++];
                    } else {
                        dstK[k] = srcK[i];
                        dstO[k++] = srcO[i++];
                    }
                }
                while (i < mid) {
                    dstK[k] = srcK[i];
                    dstO[k++] = srcO[i++];
                }
                while (j < hi) {
                    dstK[k] = srcK[j];
                    dstO[k++] = srcO[j++];
                }
            }
            double[] tk = srcK;
            srcK = dstK;
            dstK = tk;
            int[] to = srcO;
            srcO = dstO;
            dstO = to;
        }
        if (srcK != keys) {
            System.arraycopy(srcK, 0, keys, 0, n);
            System.arraycopy(srcO, 0, order, 0, n);
        }
    }
}
