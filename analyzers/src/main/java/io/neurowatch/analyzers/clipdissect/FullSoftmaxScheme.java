package io.neurowatch.analyzers.clipdissect;

/**
 * The reference's memory layout for soft_wpmi and wpmi (quirk C8): softmax(a·P) is materialised for all N×M
 * entries, then every unit gathers the rows of its top images. It needs 8·N·M bytes on top of P and exists only as
 * the baseline of {@code neurowatch bench dissect} and as an independent check of {@link TopImageLikelihood} in
 * tests. Stateless; each call uses its own threads.
 */
public final class FullSoftmaxScheme {
    private static final int ROWS = 32;
    private FullSoftmaxScheme() {
    }

    /**
     * softmax(a·P) over the concepts of every image, [N][M].
     *
     * @throws IllegalArgumentException if N·M exceeds what the heap can index
     */
    public static double[][] softmax(ConceptSimilarity p, double a, int threads) {
        int n = p.images();
        int m = p.concepts();
        double[][] out = new double[n][m];
        int[] all = ColumnCosine.identity(n);
        try (Workers workers = new Workers(threads)) {
            workers.forRange(n, (from, to) -> {
                // Rows in small blocks, as the memory-light scheme reads them, so both pay the same for P.
                float[] buf = new float[ROWS * m];
                for (int i0 = from; i0 < to; i0 += ROWS) {
                    int i1 = Math.min(to, i0 + ROWS);
                    p.readRows(all, i0, i1, buf);
                    for (int i = i0; i < i1; i++) {
                        TopImageLikelihood.softmax(buf, (i - i0) * m, m, a, out[i]);
                    }
                }
            });
        }
        return out;
    }

    /**
     * soft_wpmi or wpmi scores from a materialised softmax: per unit the sum over its top images in rank order,
     * then the layer prior over all units given.
     *
     * @param tops per unit its top images best first, at least {@code params.topK()} of them
     * @return sim [K][M]
     * @throws IllegalArgumentException if the function is not soft_wpmi or wpmi
     */
    public static double[][] scores(double[][] softmax, int[][] tops, DissectParams params, int threads) {
        TopImageTerm term = Wpmi.termFor(params);
        int m = softmax.length == 0 ? 0 : softmax[0].length;
        double[][] out = new double[tops.length][];
        try (Workers workers = new Workers(threads)) {
            workers.forRange(tops.length, (from, to) -> {
                double[] tmp = new double[m];
                for (int k = from; k < to; k++) {
                    double[] dst = new double[m];
                    for (int j = 0; j < term.topK(); j++) {
                        double[] row = softmax[tops[k][j]];
                        if (term.rankIndependent()) {
                            System.arraycopy(row, 0, tmp, 0, m);
                            term.transform(tmp, m);
                            row = tmp;
                        }
                        term.accumulate(dst, row, m, j);
                    }
                    out[k] = dst;
                }
            });
            boolean[] all = new boolean[tops.length];
            java.util.Arrays.fill(all, true);
            LayerPrior.apply(out, all, params.lambda(), params.referenceCompat(), workers);
        }
        return out;
    }
}
