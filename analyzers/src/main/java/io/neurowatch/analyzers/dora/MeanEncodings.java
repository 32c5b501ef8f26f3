package io.neurowatch.analyzers.dora;

import java.util.Arrays;

/**
 * The averaged s-AMS encodings Ā of one layer (spec dora.md §3.4): {@code plus[i][j]} is the mean activation of
 * neuron j over the maximisation signals of neuron i, {@code minus[i][j]} the same over its minimisation signals.
 *
 * <p>The two signs are kept apart (quirk D9: the reference's notebook lets '−' overwrite '+'). {@code minus} is
 * {@code null} when only maximisation signals were generated, which is what every published run did.
 *
 * <p>The arrays are copied on construction and on access, so instances are immutable and thread-safe.
 *
 * @param plus Ā⁺ [k][k], finite
 * @param minus Ā⁻ [k][k], finite, or {@code null}
 * @param samples n, the number of s-AMS per neuron and sign that were averaged (1 when Ā was given directly)
 * @throws IllegalArgumentException if a matrix is not square, the two differ in size, k is 0, or a value is not finite
 *     (the message names the matrix and the [i, j] position)
 */
public record MeanEncodings(double[][] plus, double[][] minus, int samples) {

    public MeanEncodings {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
        plus = checkedCopy("A+", plus);
        if (minus != null) {
            minus = checkedCopy("A-", minus);
            if (minus.length != plus.length) {
                throw new IllegalArgumentException("A- has " + minus.length + " neurons but A+ has " + plus.length);
            }
        }
    }

    /** Ā⁺ given directly (no minimisation signals, one sample). */
    public static MeanEncodings of(double[][] plus) {
        return new MeanEncodings(plus, null, 1);
    }

    /**
     * Averages encodings A [k, k, n] given row-major (A[i, j, s] at {@code (i·k + j)·n + s}) over the samples s.
     *
     * @param aPlus the maximisation encodings
     * @param aMinus the minimisation encodings, or {@code null}
     * @throws IllegalArgumentException if a length is not k·k·n or a value is not finite (naming [i, j, s])
     */
    public static MeanEncodings fromSamples(float[] aPlus, float[] aMinus, int k, int n) {
        return new MeanEncodings(mean("A+", toDouble(aPlus), k, n), aMinus == null ? null
                : mean("A-", toDouble(aMinus), k, n), n);
    }

    /** As {@link #fromSamples(float[], float[], int, int)} for float64 encodings. */
    public static MeanEncodings fromSamples(double[] aPlus, double[] aMinus, int k, int n) {
        return new MeanEncodings(mean("A+", aPlus, k, n), aMinus == null ? null : mean("A-", aMinus, k, n), n);
    }

    /** The number of neurons k. */
    public int size() {
        return plus.length;
    }

    public boolean hasMinus() {
        return minus != null;
    }

    @Override
    public double[][] plus() {
        return copy(plus);
    }

    @Override
    public double[][] minus() {
        return minus == null ? null : copy(minus);
    }

    /**
     * Neuron i's response profile: row i of Ā⁺, followed by row i of Ā⁻ when minimisation signals exist (so that
     * both kinds of signal count in the layer-wise distance). A new array.
     */
    public double[] profile(int i) {
        if (minus == null) {
            return plus[i].clone();
        }
        int k = plus.length;
        double[] p = Arrays.copyOf(plus[i], 2 * k);
        System.arraycopy(minus[i], 0, p, k, k);
        return p;
    }

    /** Ā⁺[i][j] without copying the matrix. */
    public double plus(int i, int j) {
        return plus[i][j];
    }

    /** Ā⁻[i][j] without copying the matrix. @throws IllegalStateException if there are no minimisation signals */
    public double minus(int i, int j) {
        if (minus == null) {
            throw new IllegalStateException("no minimisation encodings");
        }
        return minus[i][j];
    }

    private static double[] toDouble(float[] a) {
        if (a == null) {
            throw new IllegalArgumentException("encodings are required");
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static double[][] mean(String name, double[] a, int k, int n) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (k < 1 || n < 1 || (long) k * k * n != a.length) {
            throw new IllegalArgumentException(name + " has " + a.length + " values, not k*k*n = " + k + "*" + k
                    + "*" + n);
        }
        double[][] m = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                int base = (i * k + j) * n;
                double s = 0;
                for (int t = 0; t < n; t++) {
                    double v = a[base + t];
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException(name + "[" + i + ", " + j + ", " + t + "] is " + v
                                + "; encodings must be finite");
                    }
                    s += v;
                }
                m[i][j] = s / n;
            }
        }
        return m;
    }

    private static double[][] checkedCopy(String name, double[][] m) {
        if (m == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        int k = m.length;
        if (k == 0) {
            throw new IllegalArgumentException(name + " has no neurons");
        }
        double[][] c = new double[k][];
        for (int i = 0; i < k; i++) {
            if (m[i] == null || m[i].length != k) {
                throw new IllegalArgumentException(name + " must be square [k, k] with k = " + k + ", but row " + i
                        + " has " + (m[i] == null ? 0 : m[i].length) + " values");
            }
            for (int j = 0; j < k; j++) {
                if (!Double.isFinite(m[i][j])) {
                    throw new IllegalArgumentException(name + "[" + i + ", " + j + "] is " + m[i][j]
                            + "; encodings must be finite");
                }
            }
            c[i] = m[i].clone();
        }
        return c;
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeanEncodings e && samples == e.samples && Arrays.deepEquals(plus, e.plus)
                && Arrays.deepEquals(minus, e.minus);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.deepHashCode(plus) + Arrays.deepHashCode(minus)) + samples;
    }

    @Override
    public String toString() {
        return "MeanEncodings[k=" + plus.length + ", samples=" + samples + ", minus=" + (minus != null) + "]";
    }
}
