package io.neurowatch.core;

/**
 * Activations held on the heap, row-major. Use for NPY inputs, generated data and tests; the HDF5 store streams
 * column blocks from disk instead.
 */
public final class InMemoryActivations implements ActivationSource {
    private final int rows;
    private final int cols;
    private final double[] data;
    private final String origin;
    private final boolean float32;

    private InMemoryActivations(int rows, int cols, double[] data, String origin, boolean float32) {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException(
                    "data length " + data.length + " does not match shape [" + rows + ", " + cols + "]");
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
        this.origin = origin;
        this.float32 = float32;
    }

    /** Wraps (does not copy) a row-major double array of shape [rows, cols]. */
    public static InMemoryActivations wrap(int rows, int cols, double[] rowMajor, String origin) {
        return new InMemoryActivations(rows, cols, rowMajor, origin, false);
    }

    /** Copies a row-major float array of shape [rows, cols], widening exactly. */
    public static InMemoryActivations ofFloats(int rows, int cols, float[] rowMajor, String origin) {
        double[] d = new double[rowMajor.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = rowMajor[i];
        }
        return new InMemoryActivations(rows, cols, d, origin, true);
    }

    /** One unit: N float64 activations as a single column. */
    public static InMemoryActivations ofColumn(double[] column) {
        return new InMemoryActivations(column.length, 1, column.clone(), "in-memory", false);
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int features() {
        return cols;
    }

    @Override
    public double[][] readColumns(int from, int to) {
        ActivationSource.checkRange(from, to, cols);
        double[][] out = new double[to - from][rows];
        for (int i = 0; i < rows; i++) {
            int base = i * cols;
            for (int j = from; j < to; j++) {
                out[j - from][i] = data[base + j];
            }
        }
        return out;
    }

    @Override
    public boolean float32() {
        return float32;
    }

    @Override
    public String describe() {
        return origin;
    }
}
