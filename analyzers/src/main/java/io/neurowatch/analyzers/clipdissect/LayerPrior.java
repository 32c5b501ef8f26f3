package io.neurowatch.analyzers.clipdissect;

/**
 * The PMI step shared by soft_wpmi and wpmi (spec §3.3): log p(t_m) = logsumexp_k log p(t_m|B_k) − log K over the
 * units scored together, then sim[k, m] = log p(t_m|B_k) − λ·log p(t_m). The prior depends on the population
 * (quirk C9): pass a whole layer. Stateless.
 */
final class LayerPrior {
    private LayerPrior() {
    }

    /**
     * log K; in compat mode f32(log(f32(K))), as the reference computes it in float32 even for float64 input.
     */
    static double logK(int k, boolean float32) {
        return float32 ? (double) (float) Math.log((float) k) : Math.log(k);
    }

    /**
     * Turns log-likelihood rows into PMI scores in place. Rows that are null are skipped; rows with
     * {@code inPrior[k]} false are scored but do not contribute to the prior.
     */
    static void apply(double[][] logLik, boolean[] inPrior, double lambda, boolean float32, Workers workers) {
        int population = 0;
        int m = -1;
        for (int k = 0; k < logLik.length; k++) {
            if (logLik[k] != null) {
                m = logLik[k].length;
                if (inPrior[k]) {
                    population++;
                }
            }
        }
        if (population == 0) {
            return;
        }
        double logK = logK(population, float32);
        int concepts = m;
        // Concept ranges in parallel; inside, rows are walked in order so memory is read sequentially.
        workers.forRange(concepts, (from, to) -> {
            int len = to - from;
            double[] max = new double[len];
            java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int k = 0; k < logLik.length; k++) {
                if (logLik[k] != null && inPrior[k]) {
                    double[] row = logLik[k];
                    for (int c = 0; c < len; c++) {
                        max[c] = Math.max(max[c], row[from + c]);
                    }
                }
            }
            double[] sum = new double[len];
            for (int k = 0; k < logLik.length; k++) {
                if (logLik[k] != null && inPrior[k]) {
                    double[] row = logLik[k];
                    for (int c = 0; c < len; c++) {
                        sum[c] += Math.exp(row[from + c] - max[c]);
                    }
                }
            }
            double[] prior = new double[len];
            for (int c = 0; c < len; c++) {
                // torch.logsumexp returns the max itself when it is infinite.
                double lse = Double.isInfinite(max[c]) ? max[c] : max[c] + Math.log(sum[c]);
                prior[c] = lambda * (lse - logK);
            }
            for (double[] row : logLik) {
                if (row != null) {
                    for (int c = 0; c < len; c++) {
                        row[from + c] -= prior[c];
                    }
                }
            }
        });
    }
}
