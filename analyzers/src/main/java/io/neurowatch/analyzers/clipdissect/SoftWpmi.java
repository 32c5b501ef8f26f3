package io.neurowatch.analyzers.clipdissect;

/**
 * soft_wpmi's summand (spec §3.3): log(1 + p_j·(p(t|x_j) − 1) + ε), with rank weights p_j falling linearly from
 * p_start (rank 0) towards p_end. Immutable.
 */
final class SoftWpmi extends TopImageTerm {
    private final double[] weights;
    private final double epsilon;

    SoftWpmi(DissectParams params) {
        this.weights = weights(params.topK(), params.pStart(), params.pEnd(), params.referenceCompat());
        this.epsilon = params.epsilon();
    }

    /**
     * p_j = p_start − (j/top_k)·(p_start − p_end), j = 0 … top_k − 1. In compat mode every step is rounded to
     * float32 as the reference does even for float64 input, {@code f32(p_start) − f32(f32(j/top_k)·f32(p_start −
     * p_end))}: near p = 0.998 the term's slope is about −1/(1 − p) ≈ −500, so the rounding moves scores by 6e-5.
     */
    static double[] weights(int topK, double pStart, double pEnd, boolean float32) {
        double[] w = new double[topK];
        float span = (float) (pStart - pEnd);
        for (int j = 0; j < topK; j++) {
            if (float32) {
                float frac = (float) j / (float) topK;
                w[j] = (float) pStart - frac * span;
            } else {
                w[j] = pStart - ((double) j / topK) * (pStart - pEnd);
            }
        }
        return w;
    }

    @Override
    boolean rankIndependent() {
        return false;
    }

    @Override
    void accumulate(double[] dst, double[] row, int m, int rank) {
        double w = weights[rank];
        double eps = epsilon;
        for (int c = 0; c < m; c++) {
            dst[c] += Math.log(1.0 + w * (row[c] - 1.0) + eps);
        }
    }

    @Override
    int topK() {
        return weights.length;
    }
}
