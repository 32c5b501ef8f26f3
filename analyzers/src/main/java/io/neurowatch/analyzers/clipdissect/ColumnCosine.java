package io.neurowatch.analyzers.clipdissect;

/**
 * The shared shape of cos_similarity and cos_similarity_cubed: normalise every activation column and every concept
 * column over the images, then sim = q̂ᵀ·P̂. P is streamed in row blocks, so only one block of normalised rows is
 * held; units are split across threads. Per-concept statistics are summed in fixed row chunks and reduced in order,
 * so results do not depend on the thread count. Not thread-safe: one instance per run.
 */
abstract class ColumnCosine {
    /** Rows per statistics chunk; fixed so the summation order is too. */
    static final int STAT_CHUNK = 1024;
    /** Doubles per block of normalised rows (16 MiB). */
    private static final int BLOCK_DOUBLES = 1 << 21;

    /** Computes the per-concept statistics of P. */
    abstract void prepare(ConceptSimilarity p, Workers workers);

    /** Normalises one unit's activation column in place. */
    abstract void normalizeUnit(double[] q);

    /** dst[c] = the normalised concept value of src[off + c], c in [0, m). */
    abstract void normalizeRow(float[] src, int off, double[] dst, int m);

    /** The function for {@code params}. */
    static ColumnCosine of(DissectParams params) {
        return switch (params.function()) {
            case COS_SIMILARITY -> new CosSimilarity();
            case COS_SIMILARITY_CUBED -> new CosSimilarityCubed(params.minNorm());
            default -> throw new IllegalArgumentException(params.function() + " is not a cosine function");
        };
    }

    /**
     * sim[k][c] = Σ_i units[k][i]·P̂[i][c] for already normalised unit columns; null columns give null rows.
     */
    final double[][] scores(ConceptSimilarity p, double[][] units, Workers workers) {
        int n = p.images();
        int m = p.concepts();
        double[][] out = new double[units.length][];
        boolean any = false;
        for (int k = 0; k < units.length; k++) {
            if (units[k] != null) {
                out[k] = new double[m];
                any = true;
            }
        }
        if (!any) {
            return out;
        }
        int[] all = identity(n);
        int block = Math.max(1, Math.min(n, BLOCK_DOUBLES / m));
        double[][] rows = new double[block][m];
        for (int start = 0; start < n; start += block) {
            int end = Math.min(n, start + block);
            int first = start;
            // A few chunks per thread, so a thread slowed by other load does not hold up the barrier.
            workers.forRange(end - start, (from, to) -> {
                float[] buf = new float[(to - from) * m];
                p.readRows(all, first + from, first + to, buf);
                for (int r = from; r < to; r++) {
                    normalizeRow(buf, (r - from) * m, rows[r], m);
                }
            });
            workers.forRange(units.length, (from, to) -> {
                for (int k = from; k < to; k++) {
                    if (units[k] == null) {
                        continue;
                    }
                    double[] dst = out[k];
                    for (int r = 0; r < end - first; r++) {
                        double w = units[k][first + r];
                        double[] row = rows[r];
                        for (int c = 0; c < m; c++) {
                            dst[c] += w * row[c];
                        }
                    }
                }
            });
        }
        return out;
    }

    /** Per-concept sums of f(P[i, c]) over all images, in fixed chunks reduced in order. */
    static double[] columnSums(ConceptSimilarity p, Workers workers, RowFunction f) {
        int n = p.images();
        int m = p.concepts();
        int[] all = identity(n);
        int chunks = (n + STAT_CHUNK - 1) / STAT_CHUNK;
        double[][] partial = new double[chunks][];
        workers.forRange(chunks, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                int i0 = ch * STAT_CHUNK;
                int i1 = Math.min(n, i0 + STAT_CHUNK);
                float[] buf = new float[m];
                double[] sum = new double[m];
                for (int i = i0; i < i1; i++) {
                    p.readRows(all, i, i + 1, buf);
                    for (int c = 0; c < m; c++) {
                        sum[c] += f.apply(buf[c], c);
                    }
                }
                partial[ch] = sum;
            }
        });
        double[] total = new double[m];
        for (double[] s : partial) {
            for (int c = 0; c < m; c++) {
                total[c] += s[c];
            }
        }
        return total;
    }

    /** A function of one similarity value and its concept index. */
    @FunctionalInterface
    interface RowFunction {
        double apply(float value, int concept);
    }

    static int[] identity(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }
}
