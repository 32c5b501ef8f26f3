package io.neurowatch.analyzers.dora;

import java.util.ArrayList;
import java.util.List;

/**
 * Computes DORA's Extreme-Activation distance (spec dora.md §3.5; {@code lapalap/dora@0e2ab4b} {@code EA_distance})
 * in double precision.
 *
 * <ul>
 *   <li><b>Layer-wise</b>: u_i = Ā_i / max(‖Ā_i‖₂, 1e-5), cos_ij = clamp(u_i·u_j, −1, 1),
 *       d_ij = sqrt((1 − cos_ij)/2). A zero row is at 1/√2 from every other row.</li>
 *   <li><b>Pair-wise</b>: for q ≤ m, a = (Ā[q,q], Ā[q,m]), b = (Ā[m,q], Ā[m,m]), cos = a·b/(‖a‖‖b‖) clamped,
 *       d = sqrt((1 − cos)/2); NaN when a or b is zero.</li>
 *   <li>Then, as the reference: zero diagonal, NaN → 0 (only if {@code nanToZero}), D ← (D + Dᵀ)/2.</li>
 * </ul>
 *
 * <p>With minimisation encodings, each neuron's profile is [Ā⁺_i, Ā⁻_i] (layer-wise) and a, b gain the matching Ā⁻
 * entries (pair-wise); without them the result is the reference's. The reference stores the pair-wise D in float32;
 * this class keeps double precision.
 *
 * <p>Immutable and thread-safe. O(k²·k) time for layer-wise, O(k²) for pair-wise; O(k²) memory.
 */
public final class EaDistance {
    /** The reference's lower bound on a row norm (cosine_similarity's {@code eps}). */
    public static final double NORM_EPS = 1e-5;

    private final DistanceMode mode;
    private final boolean nanToZero;

    /**
     * @param nanToZero replace undefined distances by 0 as the reference does (dead pairs then look identical)
     * @throws IllegalArgumentException if {@code mode} is null
     */
    public EaDistance(DistanceMode mode, boolean nanToZero) {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required");
        }
        this.mode = mode;
        this.nanToZero = nanToZero;
    }

    public DistanceMode mode() {
        return mode;
    }

    public boolean nanToZero() {
        return nanToZero;
    }

    /** @throws IllegalArgumentException if {@code encodings} is null */
    public EaDistances compute(MeanEncodings encodings) {
        if (encodings == null) {
            throw new IllegalArgumentException("encodings are required");
        }
        int k = encodings.size();
        double[][] profiles = new double[k][];
        for (int i = 0; i < k; i++) {
            profiles[i] = encodings.profile(i);
        }
        int[] dead = deadRows(profiles);
        double[][] cos = null;
        double[][] d;
        if (mode == DistanceMode.LAYER_WISE) {
            cos = layerWiseCosine(profiles);
            d = new double[k][k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    d[i][j] = Math.sqrt((1 - cos[i][j]) / 2);
                }
            }
        } else {
            d = pairWise(encodings);
        }
        List<IndexPair> nanPairs = new ArrayList<>();
        for (int q = 0; q < k; q++) {
            for (int m = q + 1; m < k; m++) {
                if (Double.isNaN(d[q][m]) || Double.isNaN(d[m][q])) {
                    nanPairs.add(new IndexPair(q, m));
                }
            }
        }
        postProcess(d);
        return new EaDistances(mode, d, cos, dead, nanPairs, nanToZero);
    }

    /** Zero diagonal, optional NaN → 0, then symmetrise, in the reference's order. */
    private void postProcess(double[][] d) {
        int k = d.length;
        for (int i = 0; i < k; i++) {
            // The reference subtracts diag(D), which leaves NaN on a NaN diagonal until nan_to_num; the diagonal is
            // a point's distance to itself, so it is 0 in both modes.
            d[i][i] = 0;
        }
        if (nanToZero) {
            for (double[] row : d) {
                for (int j = 0; j < k; j++) {
                    if (Double.isNaN(row[j])) {
                        row[j] = 0;
                    }
                }
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                double s = (d[i][j] + d[j][i]) / 2;
                d[i][j] = s;
                d[j][i] = s;
            }
        }
    }

    private static int[] deadRows(double[][] profiles) {
        List<Integer> dead = new ArrayList<>();
        for (int i = 0; i < profiles.length; i++) {
            boolean zero = true;
            for (double v : profiles[i]) {
                if (v != 0) {
                    zero = false;
                    break;
                }
            }
            if (zero) {
                dead.add(i);
            }
        }
        return dead.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[][] layerWiseCosine(double[][] profiles) {
        int k = profiles.length;
        double[][] u = new double[k][];
        for (int i = 0; i < k; i++) {
            double[] p = profiles[i];
            double ss = 0;
            for (double v : p) {
                ss += v * v;
            }
            double norm = Math.max(Math.sqrt(ss), NORM_EPS);
            u[i] = new double[p.length];
            for (int j = 0; j < p.length; j++) {
                u[i][j] = p[j] / norm;
            }
        }
        double[][] cos = new double[k][k];
        // The Gram matrix is O(k³): tiles of rows that stay in cache together make it compute-bound rather than
        // memory-bound (k = 2048 took 29 s untiled, a few seconds tiled). Each pair is computed once and mirrored, so
        // the result is exactly symmetric.
        int tile = Math.max(8, (1 << 16) / u[0].length);
        for (int i0 = 0; i0 < k; i0 += tile) {
            int i1 = Math.min(k, i0 + tile);
            for (int j0 = i0; j0 < k; j0 += tile) {
                int j1 = Math.min(k, j0 + tile);
                for (int i = i0; i < i1; i++) {
                    for (int j = Math.max(j0, i); j < j1; j++) {
                        // Rounding can push |cos| a hair above 1, and sqrt(1 − cos) would then be NaN.
                        double c = Math.max(-1.0, Math.min(1.0, dot(u[i], u[j])));
                        cos[i][j] = c;
                        cos[j][i] = c;
                    }
                }
            }
        }
        return cos;
    }

    /** Four independent partial sums let the CPU overlap the additions. */
    private static double dot(double[] a, double[] b) {
        int n = a.length;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int t = 0;
        for (; t + 3 < n; t += 4) {
            s0 += a[t] * b[t];
            s1 += a[t + 1] * b[t + 1];
            s2 += a[t + 2] * b[t + 2];
            s3 += a[t + 3] * b[t + 3];
        }
        for (; t < n; t++) {
            s0 += a[t] * b[t];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double[][] pairWise(MeanEncodings e) {
        int k = e.size();
        boolean minus = e.hasMinus();
        double[][] d = new double[k][k];
        for (int q = 0; q < k; q++) {
            for (int m = q; m < k; m++) {
                double dot = e.plus(q, q) * e.plus(m, q) + e.plus(q, m) * e.plus(m, m);
                double na = e.plus(q, q) * e.plus(q, q) + e.plus(q, m) * e.plus(q, m);
                double nb = e.plus(m, q) * e.plus(m, q) + e.plus(m, m) * e.plus(m, m);
                if (minus) {
                    dot += e.minus(q, q) * e.minus(m, q) + e.minus(q, m) * e.minus(m, m);
                    na += e.minus(q, q) * e.minus(q, q) + e.minus(q, m) * e.minus(q, m);
                    nb += e.minus(m, q) * e.minus(m, q) + e.minus(m, m) * e.minus(m, m);
                }
                // 0/0 stays NaN here on purpose: it is reported, and only zeroed on request (quirk D8).
                double cos = dot / (Math.sqrt(na) * Math.sqrt(nb));
                double v = Double.isNaN(cos) ? Double.NaN : Math.sqrt((1 - Math.max(-1.0, Math.min(1.0, cos))) / 2);
                d[q][m] = v;
                d[m][q] = v;
            }
        }
        return d;
    }
}
