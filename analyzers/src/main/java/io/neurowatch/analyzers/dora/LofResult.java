package io.neurowatch.analyzers.dora;

import java.util.Arrays;

/**
 * Local Outlier Factor scores of the points of one distance matrix (indices are rows of that matrix).
 *
 * <p>Arrays are copied on construction and on access: immutable and thread-safe.
 *
 * @param nNeighbors the neighbourhood size actually used, max(1, min(n_neighbors, k − 1))
 * @param negativeOutlierFactor nof per point (scikit-learn's {@code negative_outlier_factor_}); lower is more
 *     outlying, about −1 for inliers
 * @param offset the threshold: a point is an outlier iff its nof is strictly below it
 * @param outlier the flag per point
 * @param ranking every point, most outlying first (ascending nof, ties by index)
 * @param neighbors each point's neighbourhood, nearest first (ties by index), itself excluded
 * @param kDistance each point's distance to its {@code nNeighbors}-th neighbour
 * @param localReachabilityDensity lrd per point
 */
public record LofResult(int nNeighbors, double[] negativeOutlierFactor, double offset, boolean[] outlier,
                        int[] ranking, int[][] neighbors, double[] kDistance, double[] localReachabilityDensity) {

    public LofResult {
        negativeOutlierFactor = negativeOutlierFactor.clone();
        outlier = outlier.clone();
        ranking = ranking.clone();
        neighbors = deepCopy(neighbors);
        kDistance = kDistance.clone();
        localReachabilityDensity = localReachabilityDensity.clone();
    }

    /** The number of points. */
    public int size() {
        return negativeOutlierFactor.length;
    }

    /** The flagged points, ascending. */
    public int[] outliers() {
        int[] out = new int[outlier.length];
        int n = 0;
        for (int i = 0; i < outlier.length; i++) {
            if (outlier[i]) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public double[] negativeOutlierFactor() {
        return negativeOutlierFactor.clone();
    }

    @Override
    public boolean[] outlier() {
        return outlier.clone();
    }

    @Override
    public int[] ranking() {
        return ranking.clone();
    }

    @Override
    public int[][] neighbors() {
        return deepCopy(neighbors);
    }

    @Override
    public double[] kDistance() {
        return kDistance.clone();
    }

    @Override
    public double[] localReachabilityDensity() {
        return localReachabilityDensity.clone();
    }

    /** A copy of a ragged int matrix, row by row (records here copy arrays in and out). */
    static int[][] deepCopy(int[][] m) {
        int[][] c = new int[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LofResult r && nNeighbors == r.nNeighbors
                && Double.compare(offset, r.offset) == 0
                && Arrays.equals(negativeOutlierFactor, r.negativeOutlierFactor) && Arrays.equals(outlier, r.outlier)
                && Arrays.equals(ranking, r.ranking) && Arrays.deepEquals(neighbors, r.neighbors)
                && Arrays.equals(kDistance, r.kDistance)
                && Arrays.equals(localReachabilityDensity, r.localReachabilityDensity);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(negativeOutlierFactor) * 31 + nNeighbors;
    }

    @Override
    public String toString() {
        return "LofResult[k=" + negativeOutlierFactor.length + ", nNeighbors=" + nNeighbors + ", offset=" + offset
                + ", outliers=" + Arrays.toString(outliers()) + "]";
    }
}
