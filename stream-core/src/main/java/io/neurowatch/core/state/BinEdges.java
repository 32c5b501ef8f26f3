package io.neurowatch.core.state;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The fixed bin boundaries of one neuron's concept histograms.
 *
 * <p><b>Layout.</b> Strictly increasing edges {@code e[0] < ... < e[m-1]} define {@code 2m + 1} bins that
 * alternate between open intervals and single points:
 * <pre>
 *   bin  0        1       2            3       ...  2m-1        2m
 *        (-inf,e0) {e0}   (e0,e1)      {e1}    ...  {e[m-1]}    (e[m-1],+inf)
 * </pre>
 * Point bins make repeated values exact: with ReLU activations every zero lands in bin {e0 = 0}, and pairs of
 * equal values are true ties, so they add nothing to the AUROC error bound. Values outside [e0, e[m-1]] still
 * land in the two open-ended bins, so nothing is ever dropped; they only widen the reported bound.
 *
 * <p><b>Choice of edges.</b> The edges are fixed once per neuron, from the first batch that contains the neuron:
 * the exact quantiles of that batch's values at ranks {@code i/q, i = 0..q} (minimum and maximum included),
 * duplicates removed. They never change afterwards, so histograms of every batch and every time bucket add up
 * bin by bin. Equal-mass bins make the chance that two values share an interval bin about {@code 1/q} while the
 * distribution stays like the first batch's; under drift the bound computed from the counts grows and says so
 * (recalibrate by {@link StatisticsStore#deleteLayer deleting the layer}). Quantiles of the first batch rather
 * than of the neuron's sketch: at that moment the sketch holds exactly that batch, and the exact values are
 * at hand.
 *
 * <p>Immutable; thread-safe.
 */
public final class BinEdges {
    private static final byte FORMAT = 1;

    private final double[] edges;

    private BinEdges(double[] edges) {
        this.edges = edges;
    }

    /**
     * Edges at the exact quantiles {@code i/quantiles, i = 0..quantiles} of the non-NaN {@code values}.
     *
     * @return null if every value is NaN (the neuron gets its edges from a later batch)
     * @throws IllegalArgumentException if {@code quantiles < 1}
     */
    public static BinEdges fromSample(float[] values, int quantiles) {
        if (quantiles < 1) {
            throw new IllegalArgumentException("quantiles must be >= 1, found " + quantiles);
        }
        double[] sorted = new double[values.length];
        int n = 0;
        for (float v : values) {
            if (!Float.isNaN(v)) {
                sorted[n++] = normalize(v);
            }
        }
        if (n == 0) {
            return null;
        }
        Arrays.sort(sorted, 0, n);
        double[] picked = new double[quantiles + 1];
        for (int i = 0; i <= quantiles; i++) {
            picked[i] = sorted[(int) Math.round((double) i * (n - 1) / quantiles)];
        }
        return new BinEdges(distinct(picked));
    }

    /**
     * Edges given explicitly; for tests and tools.
     *
     * @throws IllegalArgumentException if empty, not strictly increasing, or containing NaN
     */
    public static BinEdges of(double... edges) {
        if (edges.length == 0) {
            throw new IllegalArgumentException("no bin edges");
        }
        double[] e = edges.clone();
        for (int i = 0; i < e.length; i++) {
            e[i] = normalize(e[i]);
            if (Double.isNaN(e[i]) || (i > 0 && !(e[i - 1] < e[i]))) {
                throw new IllegalArgumentException("bin edges must be strictly increasing and not NaN: "
                        + Arrays.toString(edges));
            }
        }
        return new BinEdges(e);
    }

    /** Number of bins, {@code 2 * edges + 1}. */
    public int binCount() {
        return 2 * edges.length + 1;
    }

    /** Whether a bin holds a single value (odd index) rather than an open interval. */
    public static boolean isPointBin(int bin) {
        return (bin & 1) == 1;
    }

    /**
     * The bin of {@code value}.
     *
     * @return the bin index, or -1 for NaN
     */
    public int binOf(double value) {
        if (Double.isNaN(value)) {
            return -1;
        }
        int i = Arrays.binarySearch(edges, normalize(value));
        return i >= 0 ? 2 * i + 1 : 2 * (-i - 1);
    }

    /** A copy of the edges. */
    public double[] edges() {
        return edges.clone();
    }

    /** {@code [format:1][count:int32][edge:float64 big-endian] * count}. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(5 + 8 * edges.length);
        b.put(FORMAT).putInt(edges.length);
        for (double e : edges) {
            b.putDouble(e);
        }
        return b.array();
    }

    /** @throws IllegalArgumentException if the bytes are not {@link #toBytes()} output */
    public static BinEdges fromBytes(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte format = b.get();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown bin edges format " + format);
            }
            int n = b.getInt();
            if (n < 1 || b.remaining() != 8L * n) {
                throw new IllegalArgumentException("bin edges of " + bytes.length + " bytes cannot hold " + n);
            }
            double[] e = new double[n];
            for (int i = 0; i < n; i++) {
                e[i] = b.getDouble();
            }
            return of(e);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated bin edges (" + bytes.length + " bytes)", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinEdges b && Arrays.equals(b.edges, edges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(edges);
    }

    @Override
    public String toString() {
        return "BinEdges" + Arrays.toString(edges);
    }

    /** -0.0 and 0.0 are the same activation, but Arrays.binarySearch orders them apart. */
    private static double normalize(double v) {
        return v + 0.0;
    }

    private static double[] distinct(double[] sorted) {
        int m = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (m == 0 || sorted[i] != sorted[m - 1]) {
                sorted[m++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, m);
    }
}
