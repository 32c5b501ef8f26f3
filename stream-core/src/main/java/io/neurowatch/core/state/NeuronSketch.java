package io.neurowatch.core.state;

import java.util.Arrays;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.kll.KllSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The activation distribution of one neuron as a KLL quantile sketch (Apache DataSketches
 * {@link KllFloatsSketch}): mergeable, serializable, of size {@code O(k log(n/k))} whatever the stream length.
 *
 * <p><b>Accuracy.</b> The single knob {@code k} fixes the normalized rank error ε, with 99% confidence:
 * a quantile returned for rank r has a true rank in {@code [r - ε, r + ε]}, and a rank returned for a value is
 * within ε of its true rank. {@link #rankErrorBound(int)} gives ε for single queries:
 * <pre>
 *   k      single quantile / rank   PMF / CDF (all points at once)
 *   100    2.61%                    3.18%
 *   200    1.33%  (default)         1.65%
 *   400    0.68%                    0.86%
 * </pre>
 * Merging sketches (other buckets, other stores) keeps the bound of the smallest k involved. Activations are
 * kept as float32 (the wire type); NaN values are ignored and not counted.
 *
 * <p>Not thread-safe: the store's writer thread owns mutable instances; readers get fresh copies.
 */
public final class NeuronSketch {
    /** Default k: about 1.33% single-query rank error (1.65% for PMF/CDF), a few KB per sketch. */
    public static final int DEFAULT_K = 200;

    private final KllFloatsSketch kll;

    private NeuronSketch(KllFloatsSketch kll) {
        this.kll = kll;
    }

    /**
     * An empty sketch.
     *
     * @throws IllegalArgumentException if {@code k} is outside [8, 65535]
     */
    public static NeuronSketch create(int k) {
        if (k < 8 || k > KllSketch.MAX_K) {
            throw new IllegalArgumentException("KLL k must be in [8, " + KllSketch.MAX_K + "], found " + k);
        }
        return new NeuronSketch(KllFloatsSketch.newHeapInstance(k));
    }

    /**
     * Decodes {@link #toBytes()} output (the DataSketches KLL floats format, readable by the C++ and Python
     * libraries too). The bytes are copied.
     *
     * @throws IllegalArgumentException if the bytes are not a KLL floats sketch
     */
    public static NeuronSketch fromBytes(byte[] bytes) {
        try {
            return new NeuronSketch(KllFloatsSketch.heapify(Memory.wrap(bytes)));
        } catch (RuntimeException e) {
            // DataSketches reports truncated input as SketchesException or as a bounds error of Memory.
            throw new IllegalArgumentException("not a KLL floats sketch (" + bytes.length + " bytes): "
                    + e.getMessage(), e);
        }
    }

    /** Normalized rank error ε of single quantile or rank queries for this {@code k}, at 99% confidence. */
    public static double rankErrorBound(int k) {
        return KllSketch.getNormalizedRankError(k, false);
    }

    /** ε of this sketch (see the class comment). */
    public double rankErrorBound() {
        return kll.getNormalizedRankError(false);
    }

    /** Adds one activation; NaN is ignored. */
    public void update(float value) {
        if (!Float.isNaN(value)) {
            kll.update(value);
        }
    }

    /** Adds all of {@code other}'s values to this sketch; {@code other} is unchanged. */
    public void merge(NeuronSketch other) {
        kll.merge(other.kll);
    }

    /** Number of (non-NaN) values added. */
    public long count() {
        return kll.getN();
    }

    public int k() {
        return kll.getK();
    }

    /**
     * Approximate quantiles: for each normalized rank r in [0, 1], a value whose fraction of values {@code <=} it
     * is within {@link #rankErrorBound()} of r. Ranks 0 and 1 give the exact minimum and maximum.
     *
     * @return one value per rank; all NaN if the sketch is empty
     * @throws IllegalArgumentException if a rank is outside [0, 1]
     */
    public double[] quantiles(double... ranks) {
        checkRanks(ranks);
        double[] out = new double[ranks.length];
        if (kll.isEmpty()) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        float[] q = kll.getQuantiles(ranks.clone(), QuantileSearchCriteria.INCLUSIVE);
        for (int i = 0; i < q.length; i++) {
            out[i] = q[i];
        }
        return out;
    }

    /** @throws IllegalArgumentException if a rank is outside [0, 1] or NaN */
    static void checkRanks(double[] ranks) {
        for (double r : ranks) {
            if (!(r >= 0.0 && r <= 1.0)) {
                throw new IllegalArgumentException("rank " + r + " is outside [0, 1]");
            }
        }
    }

    /** Approximate fraction of values {@code <= value}, within {@link #rankErrorBound()}; NaN if empty. */
    public double rank(float value) {
        return kll.isEmpty() ? Double.NaN : kll.getRank(value, QuantileSearchCriteria.INCLUSIVE);
    }

    /** Compact serialized form; see {@link #fromBytes}. */
    public byte[] toBytes() {
        return kll.toByteArray();
    }

    /** An independent copy. */
    public NeuronSketch copy() {
        return fromBytes(toBytes());
    }

    @Override
    public String toString() {
        return "NeuronSketch[k=" + k() + ", n=" + count() + "]";
    }
}
