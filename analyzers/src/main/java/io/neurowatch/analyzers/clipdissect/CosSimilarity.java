package io.neurowatch.analyzers.clipdissect;

/**
 * cos_similarity (spec §3.3): columns divided by their L2 norm over the images, without centring. An all-zero
 * column gives NaN, as in the reference (quirk C7); dead units are filtered before unless reference-compatible.
 */
final class CosSimilarity extends ColumnCosine {
    private double[] norms;

    @Override
    void prepare(ConceptSimilarity p, Workers workers) {
        double[] ss = columnSums(p, workers, (v, c) -> (double) v * v);
        norms = new double[ss.length];
        for (int c = 0; c < ss.length; c++) {
            norms[c] = Math.sqrt(ss[c]);
        }
    }

    @Override
    void normalizeUnit(double[] q) {
        double ss = 0;
        for (double v : q) {
            ss += v * v;
        }
        double norm = Math.sqrt(ss);
        for (int i = 0; i < q.length; i++) {
            q[i] /= norm;
        }
    }

    @Override
    void normalizeRow(float[] src, int off, double[] dst, int m) {
        for (int c = 0; c < m; c++) {
            dst[c] = src[off + c] / norms[c];
        }
    }
}
