package io.neurowatch.analyzers.dora;

import java.util.Arrays;

/**
 * Local Outlier Factor on a precomputed distance matrix with scikit-learn 1.2's semantics (spec dora.md §3.6;
 * {@code LocalOutlierFactor(metric='precomputed')} then {@code fit_predict}):
 *
 * <ol>
 *   <li>k_nb = max(1, min(n_neighbors, k − 1));</li>
 *   <li>N(p): the k_nb + 1 nearest points of row p ordered by (distance, index), minus p itself, or minus the first
 *       of them when zero-distance duplicates pushed p out (what sklearn's {@code kneighbors} does);</li>
 *   <li>k_dist(o) = distance to o's k_nb-th neighbour; reach(p, o) = max(k_dist(o), D[p, o]);</li>
 *   <li>lrd(p) = 1 / (mean reach + 1e-10); nof(p) = −mean_{o ∈ N(p)} lrd(o)/lrd(p);</li>
 *   <li>offset from the {@link Contamination}; outlier iff nof &lt; offset, strictly.</li>
 * </ol>
 *
 * <p>Ties in distance are broken by index, so results are deterministic (sklearn's argpartition leaves their order
 * unspecified). Immutable and thread-safe. O(k² log k) time, O(k·k_nb) extra memory.
 */
public final class LocalOutlierFactor {
    /** scikit-learn's default neighbourhood size. */
    public static final int DEFAULT_N_NEIGHBORS = 20;
    /** Added to the mean reachability distance so that duplicates give a finite density, as in scikit-learn. */
    static final double LRD_EPS = 1e-10;

    private final int nNeighbors;
    private final Contamination contamination;

    /** @throws IllegalArgumentException if {@code nNeighbors < 1} or {@code contamination} is null */
    public LocalOutlierFactor(int nNeighbors, Contamination contamination) {
        if (nNeighbors < 1) {
            throw new IllegalArgumentException("n_neighbors must be at least 1, got " + nNeighbors);
        }
        if (contamination == null) {
            throw new IllegalArgumentException("contamination is required");
        }
        this.nNeighbors = nNeighbors;
        this.contamination = contamination;
    }

    public int nNeighbors() {
        return nNeighbors;
    }

    public Contamination contamination() {
        return contamination;
    }

    /**
     * Scores every row of {@code d}.
     *
     * @param d a square matrix of finite, non-negative distances (k ≥ 2); need not be symmetric
     * @throws IllegalArgumentException if {@code d} is not square, has fewer than 2 points, or holds a negative or
     *     non-finite value (the message names the [i, j] position)
     */
    public LofResult fit(double[][] d) {
        int k = validate(d);
        int kNb = Math.max(1, Math.min(nNeighbors, k - 1));
        int[][] neighbors = new int[k][];
        double[][] nbDist = new double[k][];
        Integer[] order = new Integer[k];
        for (int p = 0; p < k; p++) {
            double[] row = d[p];
            for (int j = 0; j < k; j++) {
                order[j] = j;
            }
            // Compare with < rather than Double.compare so that −0.0 and 0.0 tie, as they do in NumPy.
            Arrays.sort(order, (a, b) -> row[a] < row[b] ? -1 : row[a] > row[b] ? 1 : Integer.compare(a, b));
            int drop = 0;
            for (int t = 0; t <= kNb; t++) {
                if (order[t] == p) {
                    drop = t;
                    break;
                }
            }
            // If p is not among the first kNb + 1 (more than kNb zero-distance duplicates precede it), sklearn
            // masks the first neighbour instead: drop stays 0.
            neighbors[p] = new int[kNb];
            nbDist[p] = new double[kNb];
            int n = 0;
            for (int t = 0; t <= kNb; t++) {
                if (t != drop) {
                    neighbors[p][n] = order[t];
                    nbDist[p][n] = row[order[t]];
                    n++;
                }
            }
        }
        double[] kDist = new double[k];
        for (int p = 0; p < k; p++) {
            kDist[p] = nbDist[p][kNb - 1];
        }
        double[] lrd = new double[k];
        for (int p = 0; p < k; p++) {
            double s = 0;
            for (int t = 0; t < kNb; t++) {
                s += Math.max(nbDist[p][t], kDist[neighbors[p][t]]);
            }
            lrd[p] = 1.0 / (s / kNb + LRD_EPS);
        }
        double[] nof = new double[k];
        for (int p = 0; p < k; p++) {
            double s = 0;
            for (int t = 0; t < kNb; t++) {
                s += lrd[neighbors[p][t]] / lrd[p];
            }
            nof[p] = -(s / kNb);
        }
        double offset = contamination.offset(nof);
        boolean[] outlier = new boolean[k];
        for (int p = 0; p < k; p++) {
            outlier[p] = nof[p] < offset;
        }
        return new LofResult(kNb, nof, offset, outlier, rankAscending(nof), neighbors, kDist, lrd);
    }

    /** Indices ordered by ascending value, ties by index. */
    static int[] rankAscending(double[] values) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : Integer.compare(a, b));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    private static int validate(double[][] d) {
        if (d == null) {
            throw new IllegalArgumentException("distance matrix is required");
        }
        int k = d.length;
        if (k < 2) {
            throw new IllegalArgumentException("LOF needs at least 2 points, got " + k);
        }
        for (int i = 0; i < k; i++) {
            if (d[i] == null || d[i].length != k) {
                throw new IllegalArgumentException("distance matrix must be square [" + k + ", " + k + "], but row "
                        + i + " has " + (d[i] == null ? 0 : d[i].length) + " values");
            }
            for (int j = 0; j < k; j++) {
                double v = d[i][j];
                if (!Double.isFinite(v) || v < 0) {
                    throw new IllegalArgumentException("distance [" + i + ", " + j + "] is " + v
                            + "; LOF needs finite, non-negative distances");
                }
            }
        }
        return k;
    }
}
