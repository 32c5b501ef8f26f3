package io.neurowatch.analyzers.clipdissect;

import java.util.concurrent.atomic.LongAdder;

/**
 * P = Î·T̂ᵀ computed on demand from image embeddings I [N, e] and text embeddings T [M, e] (spec §3.1 and the
 * streaming plan of §7: "P_top = Î_top·T̂ᵀ"). Holds (N + M)·e floats instead of N·M, at the price of e
 * multiply-adds per element read. Rows are L2-normalised in float32 on construction, as the reference does; the
 * dot products accumulate in float32.
 *
 * <p>Immutable and safe for concurrent reads. {@link #computeNanos()} counts the time spent computing rows (summed
 * over threads) so benchmarks can separate it from the scoring.
 */
public final class EmbeddingConceptSimilarity implements ConceptSimilarity {
    /** Concepts per tile: a 64-dim tile of T̂ᵀ (256 KiB) stays in L2 while a row block sweeps it. */
    private static final int CONCEPT_TILE = 1024;
    /** Rows per block sharing one pass over a tile. */
    private static final int ROW_BLOCK = 32;

    private final int n;
    private final int m;
    private final int dim;
    private final float[] images;
    /** T̂ transposed, one array per embedding dimension: [dim][m]. */
    private final float[][] textsT;
    /** Per-thread output rows: separate arrays indexed like textsT, the shape C2 vectorises (see axpy). */
    private final ThreadLocal<float[][]> scratch;
    private final String origin;
    private final LongAdder nanos = new LongAdder();

    private EmbeddingConceptSimilarity(int n, int m, int dim, float[] images, float[][] textsT, String origin) {
        this.n = n;
        this.m = m;
        this.dim = dim;
        this.images = images;
        this.textsT = textsT;
        this.origin = origin;
        this.scratch = ThreadLocal.withInitial(() -> new float[ROW_BLOCK][m]);
    }

    /**
     * Normalises copies of the embeddings.
     *
     * @param images row-major [n, dim]
     * @param texts row-major [m, dim]
     * @throws IllegalArgumentException if a length does not match, a value is not finite or a row is all zero (its
     *     cosine is undefined), naming the row
     */
    public static EmbeddingConceptSimilarity of(float[] images, int n, float[] texts, int m, int dim, String origin) {
        if (n < 1 || m < 1 || dim < 1) {
            throw new IllegalArgumentException(origin + ": need n, m, dim >= 1, got " + n + ", " + m + ", " + dim);
        }
        if ((long) n * dim != images.length || (long) m * dim != texts.length) {
            throw new IllegalArgumentException(origin + ": embedding lengths " + images.length + " and " + texts.length
                    + " do not match [" + n + ", " + dim + "] and [" + m + ", " + dim + "]");
        }
        float[] img = normalisedRows(images, n, dim, origin + " image");
        float[] txt = normalisedRows(texts, m, dim, origin + " text");
        float[][] tt = new float[dim][m];
        for (int c = 0; c < m; c++) {
            for (int t = 0; t < dim; t++) {
                tt[t][c] = txt[c * dim + t];
            }
        }
        return new EmbeddingConceptSimilarity(n, m, dim, img, tt, origin);
    }

    private static float[] normalisedRows(float[] x, int rows, int dim, String what) {
        float[] out = new float[x.length];
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int t = 0; t < dim; t++) {
                float v = x[r * dim + t];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(what + " embedding " + r + " has a non-finite value " + v);
                }
                ss += (double) v * v;
            }
            if (ss == 0) {
                throw new IllegalArgumentException(what + " embedding " + r + " is all zero");
            }
            float norm = (float) Math.sqrt(ss);
            for (int t = 0; t < dim; t++) {
                out[r * dim + t] = x[r * dim + t] / norm;
            }
        }
        return out;
    }

    /** Embedding dimension e. */
    public int dim() {
        return dim;
    }

    /** Wall time spent in {@link #readRows}, summed over all threads, in nanoseconds. */
    public long computeNanos() {
        return nanos.sum();
    }

    @Override
    public int images() {
        return n;
    }

    @Override
    public int concepts() {
        return m;
    }

    @Override
    public void readRows(int[] rows, int from, int to, float[] dst) {
        long t0 = System.nanoTime();
        float[][] out = scratch.get();
        for (int r0 = from; r0 < to; r0 += ROW_BLOCK) {
            int r1 = Math.min(to, r0 + ROW_BLOCK);
            for (int r = r0; r < r1; r++) {
                if (rows[r] < 0 || rows[r] >= n) {
                    throw new IndexOutOfBoundsException("image " + rows[r] + " outside [0, " + n + ") of " + origin);
                }
                java.util.Arrays.fill(out[r - r0], 0f);
            }
            for (int c0 = 0; c0 < m; c0 += CONCEPT_TILE) {
                int c1 = Math.min(m, c0 + CONCEPT_TILE);
                for (int r = r0; r < r1; r++) {
                    int imgOff = rows[r] * dim;
                    float[] row = out[r - r0];
                    for (int t = 0; t < dim; t++) {
                        axpy(images[imgOff + t], textsT[t], row, c0, c1);
                    }
                }
            }
            for (int r = r0; r < r1; r++) {
                System.arraycopy(out[r - r0], 0, dst, (r - from) * m, m);
            }
        }
        nanos.add(System.nanoTime() - t0);
    }

    /**
     * dst[c] += w · src[c] for c in [c0, c1). Distinct arrays indexed alike: C2 vectorises this (8 floats per
     * instruction) but not the same loop over offsets into one flat array, which measured 7× slower.
     */
    private static void axpy(float w, float[] src, float[] dst, int c0, int c1) {
        for (int c = c0; c < c1; c++) {
            dst[c] += w * src[c];
        }
    }

    @Override
    public String describe() {
        return origin;
    }
}
