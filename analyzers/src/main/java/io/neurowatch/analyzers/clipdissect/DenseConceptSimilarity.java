package io.neurowatch.analyzers.clipdissect;

/**
 * P held on the heap as float32, row-major (the reference computes P in float32 too). Immutable after construction
 * and safe to share between threads.
 */
public final class DenseConceptSimilarity implements ConceptSimilarity {
    private final int n;
    private final int m;
    private final float[] data;
    private final String origin;

    private DenseConceptSimilarity(int n, int m, float[] data, String origin) {
        this.n = n;
        this.m = m;
        this.data = data;
        this.origin = origin;
    }

    /**
     * Wraps (does not copy) a row-major [n, m] array; do not modify it afterwards.
     *
     * @param origin file name or description, used in error messages
     * @throws IllegalArgumentException if the length does not match, a dimension is 0, or a value is not finite
     *     (naming the row, column and origin): one NaN would poison the softmax normaliser of its whole image
     */
    public static DenseConceptSimilarity of(int n, int m, float[] data, String origin) {
        if (n < 1 || m < 1) {
            throw new IllegalArgumentException(origin + ": similarity matrix must be at least [1, 1], got [" + n + ", "
                    + m + "]");
        }
        if ((long) n * m != data.length) {
            throw new IllegalArgumentException(origin + ": " + data.length + " values do not fill [" + n + ", " + m
                    + "]");
        }
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException(origin + ": similarity " + data[i] + " at image " + i / m
                        + ", concept " + i % m + " is not finite");
            }
        }
        return new DenseConceptSimilarity(n, m, data, origin);
    }

    /** A copy keeping only {@code columns}, in that order (e.g. to drop duplicate concepts). */
    public DenseConceptSimilarity selectColumns(int[] columns) {
        float[] out = new float[Math.multiplyExact(n, columns.length)];
        for (int c : columns) {
            if (c < 0 || c >= m) {
                throw new IndexOutOfBoundsException("column " + c + " outside [0, " + m + ") of " + origin);
            }
        }
        for (int i = 0; i < n; i++) {
            int src = i * m;
            int dst = i * columns.length;
            for (int j = 0; j < columns.length; j++) {
                out[dst + j] = data[src + columns[j]];
            }
        }
        return new DenseConceptSimilarity(n, columns.length, out, origin);
    }

    /** P[image, concept]. */
    public float get(int image, int concept) {
        return data[image * m + concept];
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
    public void readRows(int[] images, int from, int to, float[] dst) {
        for (int r = from; r < to; r++) {
            int i = images[r];
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("image " + i + " outside [0, " + n + ") of " + origin);
            }
            System.arraycopy(data, (int) ((long) i * m), dst, (r - from) * m, m);
        }
    }

    @Override
    public String describe() {
        return origin;
    }
}
