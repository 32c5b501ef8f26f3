package io.neurowatch.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class ConceptHistogramTest {

    @Test
    void binsAlternateBetweenIntervalsAndPoints() {
        BinEdges e = BinEdges.of(0, 1, 2);
        assertEquals(7, e.binCount());
        assertEquals(0, e.binOf(-5));
        assertEquals(1, e.binOf(0));
        assertEquals(1, e.binOf(-0.0));
        assertEquals(2, e.binOf(0.5));
        assertEquals(3, e.binOf(1));
        assertEquals(6, e.binOf(Double.POSITIVE_INFINITY));
        assertEquals(-1, e.binOf(Double.NaN));
        assertTrue(BinEdges.isPointBin(3));
        assertEquals(e, BinEdges.fromBytes(e.toBytes()));
    }

    @Test
    void edgesFromSampleAreDistinctQuantiles() {
        float[] relu = new float[1000];
        for (int i = 500; i < 1000; i++) {
            relu[i] = i / 1000f;
        }
        BinEdges e = BinEdges.fromSample(relu, 10);
        double[] edges = e.edges();
        assertEquals(0.0, edges[0]);
        assertEquals(0.999, edges[edges.length - 1], 1e-6);
        assertEquals(7, edges.length, Arrays.toString(edges)); // ranks 0 to 0.4 all give 0: one edge
        assertEquals(null, BinEdges.fromSample(new float[] {Float.NaN}, 10));
    }

    @Test
    void aurocWithinReportedBoundOnGaussians() {
        checkAgainstExact(new Random(3), 20_000, 0.3, x -> x, 0.7, 64, 0.01);
    }

    @Test
    void aurocWithinReportedBoundOnReluWithManyZeros() {
        // Zeros share a point bin: true ties, so they add nothing to the bound.
        checkAgainstExact(new Random(4), 20_000, 0.2, x -> Math.max(0, x), 0.5, 32, 0.02);
    }

    @Test
    void boundStaysValidUnderDriftButSaysSo() {
        Random rnd = new Random(5);
        float[] first = new float[500];
        for (int i = 0; i < first.length; i++) {
            first[i] = (float) rnd.nextGaussian();
        }
        BinEdges edges = BinEdges.fromSample(first, 64);
        // Later data far above the first batch: almost everything lands in the top open-ended bin.
        double[][] data = sample(rnd, 5_000, 0.4, x -> x + 10, 0.5);
        ConceptHistogram h = fill(edges, data);
        AurocEstimate est = h.auroc();
        double exact = ExactAuroc.of(data[0], data[1]);
        assertTrue(Math.abs(est.auroc() - exact) <= est.errorBound() + 1e-12, est + " vs exact " + exact);
        assertTrue(est.errorBound() > 0.3, "drift must show up in the bound: " + est);
    }

    @Test
    void separatedClassesGiveExactAuroc() {
        ConceptHistogram h = ConceptHistogram.create(BinEdges.of(0, 1).binCount());
        h.add(0, false);
        h.add(4, true);
        AurocEstimate est = h.auroc();
        assertEquals(new AurocEstimate(1.0, 0.0, 1, 1), est);
        assertTrue(Double.isNaN(ConceptHistogram.create(3).auroc().auroc()));
    }

    @Test
    void mergeAndSerializationRoundTrip() {
        ConceptHistogram a = ConceptHistogram.create(5);
        ConceptHistogram b = ConceptHistogram.create(5);
        for (int i = 0; i < 1000; i++) {
            a.add(i % 5, i % 3 == 0);
            b.add((i * 7) % 5, i % 2 == 0);
        }
        byte[] bytes = a.toBytes();
        assertArrayEquals(bytes, ConceptHistogram.fromBytes(bytes).toBytes());
        a.merge(b);
        assertEquals(2000, a.positives() + a.negatives());
        assertThrows(IllegalArgumentException.class, () -> a.merge(ConceptHistogram.create(3)));
        assertThrows(IllegalArgumentException.class, () -> ConceptHistogram.fromBytes(new byte[] {1, 5, 1}));
    }

    private static void checkAgainstExact(Random rnd, int n, double positiveRate, DoubleUnaryOperator transform,
            double shift, int quantiles, double maxBound) {
        double[][] first = sample(rnd, 500, positiveRate, transform, shift);
        float[] firstValues = new float[first[0].length + first[1].length];
        int k = 0;
        for (double[] cls : first) {
            for (double v : cls) {
                firstValues[k++] = (float) v;
            }
        }
        BinEdges edges = BinEdges.fromSample(firstValues, quantiles);
        double[][] data = sample(rnd, n, positiveRate, transform, shift);
        AurocEstimate est = fill(edges, data).auroc();
        double exact = ExactAuroc.of(data[0], data[1]);
        assertEquals(data[0].length, est.positives());
        assertEquals(data[1].length, est.negatives());
        assertTrue(Math.abs(est.auroc() - exact) <= est.errorBound() + 1e-12, est + " vs exact " + exact);
        assertTrue(est.errorBound() < maxBound, "bound too loose to be useful: " + est);
    }

    /** {positives, negatives}; positives shifted by {@code shift} before the transform. Float-rounded. */
    static double[][] sample(Random rnd, int n, double positiveRate, DoubleUnaryOperator transform, double shift) {
        double[] pos = new double[n];
        double[] neg = new double[n];
        int p = 0;
        int q = 0;
        for (int i = 0; i < n; i++) {
            boolean positive = rnd.nextDouble() < positiveRate;
            double v = (float) transform.applyAsDouble(rnd.nextGaussian() + (positive ? shift : 0));
            if (positive) {
                pos[p++] = v;
            } else {
                neg[q++] = v;
            }
        }
        return new double[][] {Arrays.copyOf(pos, p), Arrays.copyOf(neg, q)};
    }

    private static ConceptHistogram fill(BinEdges edges, double[][] data) {
        ConceptHistogram h = ConceptHistogram.create(edges.binCount());
        for (double v : data[0]) {
            h.add(edges.binOf(v), true);
        }
        for (double v : data[1]) {
            h.add(edges.binOf(v), false);
        }
        return h;
    }
}
