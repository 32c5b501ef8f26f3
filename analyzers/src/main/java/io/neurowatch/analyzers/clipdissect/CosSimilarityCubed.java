package io.neurowatch.analyzers.clipdissect;

/**
 * cos_similarity_cubed (spec §3.3): every column is centred over the images, cubed, and divided by
 * max(‖column‖₂, min_norm). A constant column becomes all zeros (the norm floor avoids 0/0).
 */
final class CosSimilarityCubed extends ColumnCosine {
    private final double minNorm;
    private double[] means;
    private double[] denominators;

    CosSimilarityCubed(double minNorm) {
        this.minNorm = minNorm;
    }

    @Override
    void prepare(ConceptSimilarity p, Workers workers) {
        int n = p.images();
        double[] sums = columnSums(p, workers, (v, c) -> v);
        means = new double[sums.length];
        for (int c = 0; c < sums.length; c++) {
            means[c] = sums[c] / n;
        }
        double[] ss = columnSums(p, workers, (v, c) -> {
            double x = cube(v - means[c]);
            return x * x;
        });
        denominators = new double[ss.length];
        for (int c = 0; c < ss.length; c++) {
            denominators[c] = Math.max(Math.sqrt(ss[c]), minNorm);
        }
    }

    @Override
    void normalizeUnit(double[] q) {
        double mean = 0;
        for (double v : q) {
            mean += v;
        }
        mean /= q.length;
        double ss = 0;
        for (int i = 0; i < q.length; i++) {
            q[i] = cube(q[i] - mean);
            ss += q[i] * q[i];
        }
        double denom = Math.max(Math.sqrt(ss), minNorm);
        for (int i = 0; i < q.length; i++) {
            q[i] /= denom;
        }
    }

    @Override
    void normalizeRow(float[] src, int off, double[] dst, int m) {
        for (int c = 0; c < m; c++) {
            dst[c] = cube(src[off + c] - means[c]) / denominators[c];
        }
    }

    private static double cube(double x) {
        return x * x * x;
    }
}
