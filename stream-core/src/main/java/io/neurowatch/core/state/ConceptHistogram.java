package io.neurowatch.core.state;

import java.io.ByteArrayOutputStream;

/**
 * Activation counts of one neuron, split by whether the sample carries one concept, over the bins of the
 * neuron's {@link BinEdges}. Histograms over the same edges add bin by bin ({@link #merge}), so one histogram
 * per time bucket can be combined on read.
 *
 * <p>Memory: {@code 16 * binCount} bytes on the heap; serialized with varints, about
 * {@code 2 * binCount} bytes while counts stay below 16,384.
 *
 * <p>Not thread-safe: the store's writer thread owns mutable instances; readers get fresh copies.
 */
public final class ConceptHistogram {
    private static final byte FORMAT = 1;

    private final long[] positives;
    private final long[] negatives;

    private ConceptHistogram(long[] positives, long[] negatives) {
        this.positives = positives;
        this.negatives = negatives;
    }

    /** @throws IllegalArgumentException if {@code bins < 1} */
    public static ConceptHistogram create(int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("a histogram needs at least one bin, found " + bins);
        }
        return new ConceptHistogram(new long[bins], new long[bins]);
    }

    public int binCount() {
        return positives.length;
    }

    /**
     * Counts one sample.
     *
     * @throws IndexOutOfBoundsException if {@code bin} is outside [0, binCount)
     */
    public void add(int bin, boolean positive) {
        if (positive) {
            positives[bin]++;
        } else {
            negatives[bin]++;
        }
    }

    /**
     * Adds {@code other}'s counts to this histogram.
     *
     * @throws IllegalArgumentException if the bin counts differ (histograms over different edges)
     */
    public void merge(ConceptHistogram other) {
        if (other.binCount() != binCount()) {
            throw new IllegalArgumentException(
                    "cannot merge histograms of " + other.binCount() + " and " + binCount() + " bins");
        }
        for (int i = 0; i < positives.length; i++) {
            positives[i] += other.positives[i];
            negatives[i] += other.negatives[i];
        }
    }

    public long positives() {
        return sum(positives);
    }

    public long negatives() {
        return sum(negatives);
    }

    /** Positives counted in {@code bin}. */
    public long positives(int bin) {
        return positives[bin];
    }

    /** Negatives counted in {@code bin}. */
    public long negatives(int bin) {
        return negatives[bin];
    }

    /**
     * AUROC from the binned counts, with its guaranteed error.
     *
     * <p>Pairs in different bins are ordered exactly (bins are disjoint and sorted). Pairs in the same point bin
     * hold equal values, a true tie worth ½. Pairs in the same interval bin are counted as ties (½) though their
     * true contribution is 0, ½ or 1, so each is off by at most ½. Hence, with P positives, N negatives and
     * {@code p_b, n_b} the counts of interval bin b:
     * <pre>
     *   |auroc - exact| &lt;= errorBound = ½ · Σ_b p_b · n_b / (P · N) = ½ · P(a random pair shares an interval bin)
     * </pre>
     * The bound is deterministic; the actual error is usually far smaller, since within-bin orderings cancel.
     * O(binCount); does not modify the histogram.
     */
    public AurocEstimate auroc() {
        long p = positives();
        long n = negatives();
        if (p == 0 || n == 0) {
            return new AurocEstimate(Double.NaN, Double.NaN, p, n);
        }
        // Doubles, not longs: p * n overflows long beyond about 3e9 samples per class.
        double wins = 0;
        double sharedIntervalPairs = 0;
        double negativesBelow = 0;
        for (int b = 0; b < positives.length; b++) {
            double pb = positives[b];
            double nb = negatives[b];
            wins += pb * (negativesBelow + 0.5 * nb);
            if (!BinEdges.isPointBin(b)) {
                sharedIntervalPairs += pb * nb;
            }
            negativesBelow += nb;
        }
        double pairs = (double) p * n;
        return new AurocEstimate(wins / pairs, 0.5 * sharedIntervalPairs / pairs, p, n);
    }

    /** {@code [format:1][bins:varint][positives[b]:varint]*bins[negatives[b]:varint]*bins}. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 + 2 * 2 * positives.length);
        out.write(FORMAT);
        writeVarint(out, positives.length);
        for (long c : positives) {
            writeVarint(out, c);
        }
        for (long c : negatives) {
            writeVarint(out, c);
        }
        return out.toByteArray();
    }

    /** @throws IllegalArgumentException if the bytes are not {@link #toBytes()} output */
    public static ConceptHistogram fromBytes(byte[] bytes) {
        int[] pos = {0};
        if (bytes.length == 0 || bytes[pos[0]++] != FORMAT) {
            throw new IllegalArgumentException("unknown histogram format (" + bytes.length + " bytes)");
        }
        long bins = readVarint(bytes, pos);
        if (bins < 1 || bins > bytes.length) {
            throw new IllegalArgumentException("histogram of " + bytes.length + " bytes claims " + bins + " bins");
        }
        ConceptHistogram h = create((int) bins);
        for (int i = 0; i < bins; i++) {
            h.positives[i] = readVarint(bytes, pos);
        }
        for (int i = 0; i < bins; i++) {
            h.negatives[i] = readVarint(bytes, pos);
        }
        if (pos[0] != bytes.length) {
            throw new IllegalArgumentException("histogram has " + (bytes.length - pos[0]) + " trailing bytes");
        }
        return h;
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= b.length) {
                throw new IllegalArgumentException("truncated histogram (" + b.length + " bytes)");
            }
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("malformed varint in histogram at byte " + pos[0]);
    }
}
