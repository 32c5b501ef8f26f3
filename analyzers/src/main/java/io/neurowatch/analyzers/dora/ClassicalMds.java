package io.neurowatch.analyzers.dora;

/**
 * Classical (Torgerson) multidimensional scaling to 2-D: B = −½·J·D²·J with J the centring matrix, coordinates =
 * the top-2 eigenvectors of B scaled by √max(λ, 0). A deterministic, seed-free stand-in for the reference's UMAP atlas
 * (spec dora.md §3.6); for the layer-wise EA distance, which is Euclidean (½‖u_i − u_j‖), it is the best rank-2
 * approximation of the configuration.
 *
 * <p>Each axis's sign is fixed so that its largest-magnitude coordinate is positive (ties: the lowest index), so
 * repeated runs give identical pictures. Stateless and thread-safe. O(k³) up to 600 points, about O(k²) per
 * iteration above.
 */
public final class ClassicalMds {
    private ClassicalMds() {
    }

    /**
     * @param d a square matrix of finite distances (symmetrised before use)
     * @throws IllegalArgumentException if {@code d} is empty, not square, or holds a non-finite value
     */
    public static Embedding2d embed(double[][] d) {
        return embed(d, d != null && d.length <= SymmetricEigen.EXACT_LIMIT);
    }

    /** As {@link #embed(double[][])}, choosing the eigen-solver (tests exercise both). */
    static Embedding2d embed(double[][] d, boolean exact) {
        int k = validate(d);
        if (k == 1) {
            return new Embedding2d(new double[1], new double[1], new double[2]);
        }
        double[][] b = doubleCentredSquares(d);
        double[] x = new double[k];
        double[] y = new double[k];
        double[] values = new double[2];
        SymmetricEigen.Pairs top = SymmetricEigen.top(b, 2, exact);
        for (int axis = 0; axis < 2; axis++) {
            double lambda = top.values()[axis];
            values[axis] = lambda;
            double[] v = top.vectors()[axis];
            double scale = lambda > 0 ? Math.sqrt(lambda) : 0;
            double sign = canonicalSign(v);
            double[] out = axis == 0 ? x : y;
            for (int i = 0; i < k; i++) {
                out[i] = sign * scale * v[i];
            }
        }
        return new Embedding2d(x, y, values);
    }

    private static double canonicalSign(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            // A small margin keeps the choice stable when two entries differ only by rounding.
            if (Math.abs(v[i]) > Math.abs(v[best]) * (1 + 1e-9)) {
                best = i;
            }
        }
        return v[best] < 0 ? -1 : 1;
    }

    private static double[][] doubleCentredSquares(double[][] d) {
        int k = d.length;
        double[][] sq = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = (d[i][j] + d[j][i]) / 2;
                sq[i][j] = s * s;
            }
        }
        double[] rowMean = new double[k];
        double grand = 0;
        for (int i = 0; i < k; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += sq[i][j];
            }
            rowMean[i] = s / k;
            grand += s;
        }
        grand /= (double) k * k;
        double[][] b = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                // sq is symmetric, so the column means equal the row means.
                b[i][j] = -0.5 * (sq[i][j] - rowMean[i] - rowMean[j] + grand);
            }
        }
        return b;
    }

    private static int validate(double[][] d) {
        if (d == null || d.length == 0) {
            throw new IllegalArgumentException("MDS needs at least one point");
        }
        int k = d.length;
        for (int i = 0; i < k; i++) {
            if (d[i] == null || d[i].length != k) {
                throw new IllegalArgumentException("distance matrix must be square [" + k + ", " + k + "], but row "
                        + i + " has " + (d[i] == null ? 0 : d[i].length) + " values");
            }
            for (int j = 0; j < k; j++) {
                if (!Double.isFinite(d[i][j])) {
                    throw new IllegalArgumentException("distance [" + i + ", " + j + "] is " + d[i][j]
                            + "; MDS needs finite distances");
                }
            }
        }
        return k;
    }
}
