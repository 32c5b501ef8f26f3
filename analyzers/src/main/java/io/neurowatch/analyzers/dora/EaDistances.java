package io.neurowatch.analyzers.dora;

import java.util.Arrays;
import java.util.List;

/**
 * The Extreme-Activation distance matrix of one layer and what was found while computing it.
 *
 * <p>Unlike the reference, degenerate input is reported rather than hidden (quirk D8): {@code deadRows} lists the
 * neurons whose averaged response profile is exactly zero, {@code nanPairs} the pair-wise distances that are
 * undefined (0/0 cosines). Those entries are NaN in {@code distances} unless NaN→0 was requested.
 *
 * <p>Arrays are copied on construction and on access: immutable and thread-safe.
 *
 * @param mode which distance
 * @param distances D [k][k], symmetric with an exactly zero diagonal; NaN only at {@code nanPairs}
 * @param cosine the clamped cosine similarities [k][k] behind a layer-wise D; {@code null} for pair-wise
 * @param deadRows neurons with an all-zero profile, ascending
 * @param nanPairs undefined distances (q ≤ m, off-diagonal), in row-major order; listed even when they were set to 0
 * @param nanToZero whether NaN distances were replaced by 0 as in the reference
 */
public record EaDistances(DistanceMode mode, double[][] distances, double[][] cosine, int[] deadRows,
                          List<IndexPair> nanPairs, boolean nanToZero) {

    public EaDistances {
        if (mode == null || distances == null || deadRows == null || nanPairs == null) {
            throw new IllegalArgumentException("mode, distances, deadRows and nanPairs are required");
        }
        distances = copy(distances);
        cosine = cosine == null ? null : copy(cosine);
        deadRows = deadRows.clone();
        nanPairs = List.copyOf(nanPairs);
    }

    /** The number of neurons k. */
    public int size() {
        return distances.length;
    }

    /** D[i][j] without copying the matrix. */
    public double distance(int i, int j) {
        return distances[i][j];
    }

    @Override
    public double[][] distances() {
        return copy(distances);
    }

    @Override
    public double[][] cosine() {
        return cosine == null ? null : copy(cosine);
    }

    @Override
    public int[] deadRows() {
        return deadRows.clone();
    }

    /** D flattened row-major, e.g. for an NPY file. */
    public double[] distancesRowMajor() {
        int k = distances.length;
        double[] flat = new double[k * k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(distances[i], 0, flat, i * k, k);
        }
        return flat;
    }

    static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EaDistances e && mode == e.mode && nanToZero == e.nanToZero
                && Arrays.deepEquals(distances, e.distances) && Arrays.deepEquals(cosine, e.cosine)
                && Arrays.equals(deadRows, e.deadRows) && nanPairs.equals(e.nanPairs);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(distances) * 31 + mode.hashCode();
    }

    @Override
    public String toString() {
        return "EaDistances[" + mode.wireName() + ", k=" + distances.length + ", dead=" + Arrays.toString(deadRows)
                + ", nanPairs=" + nanPairs.size() + "]";
    }
}
