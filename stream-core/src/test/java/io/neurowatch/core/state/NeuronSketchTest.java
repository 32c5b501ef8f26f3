package io.neurowatch.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeuronSketchTest {
    private static final int N = 100_000;

    @Test
    void documentedRelativeErrorForTheDefaultPrecision() {
        assertEquals(0.00775, NeuronSketch.relativeErrorBound(NeuronSketch.DEFAULT_PRECISION_BITS), 0.00001);
        assertEquals(0.00195, NeuronSketch.relativeErrorBound(8), 0.00001);
        assertEquals(NeuronSketch.relativeErrorBound(7), NeuronSketch.create(7).relativeErrorBound());
    }

    @Test
    void quantilesWithinRelativeErrorOnGaussianSkewedReluAndNegativeValues() {
        Random rnd = new Random(42);
        float[] gaussian = new float[N];
        float[] lognormal = new float[N];
        float[] relu = new float[N];
        float[] negative = new float[N];
        for (int i = 0; i < N; i++) {
            gaussian[i] = (float) rnd.nextGaussian();
            lognormal[i] = (float) Math.exp(2 * rnd.nextGaussian());
            relu[i] = (float) Math.max(0, rnd.nextGaussian() * 3 - 1);
            negative[i] = -(float) Math.exp(rnd.nextGaussian()) - 100;
        }
        for (float[] values : new float[][] {gaussian, lognormal, relu, negative}) {
            for (int bits : new int[] {3, NeuronSketch.DEFAULT_PRECISION_BITS, 9}) {
                NeuronSketch sketch = NeuronSketch.create(bits);
                for (float v : values) {
                    sketch.update(v);
                }
                assertEquals(N, sketch.count());
                assertQuantilesWithinBound(values, sketch);
            }
        }
    }

    @Test
    void mergesAndArrivalOrderGiveTheSameBytesAsOneSketchOfEverything() {
        Random rnd = new Random(7);
        float[] values = new float[N];
        for (int i = 0; i < N; i++) {
            values[i] = (float) (rnd.nextGaussian() * Math.exp(3 * rnd.nextGaussian())); // wide, both signs
        }
        NeuronSketch all = sketchOf(values, NeuronSketch.DEFAULT_PRECISION_BITS);
        NeuronSketch[] parts = new NeuronSketch[3];
        Arrays.setAll(parts, p -> NeuronSketch.create(NeuronSketch.DEFAULT_PRECISION_BITS));
        for (int i = 0; i < N; i++) {
            parts[i % 3].update(values[i]);
        }
        NeuronSketch forward = parts[0].copy();
        forward.merge(parts[1]);
        forward.merge(parts[2]);
        NeuronSketch backward = parts[2].copy();
        backward.merge(parts[1]);
        backward.merge(parts[0]);
        float[] shuffled = values.clone();
        shuffle(shuffled, new Random(3));
        assertArrayEquals(all.toBytes(), forward.toBytes());
        assertArrayEquals(all.toBytes(), backward.toBytes());
        assertArrayEquals(all.toBytes(), sketchOf(shuffled, NeuronSketch.DEFAULT_PRECISION_BITS).toBytes());
        assertEquals(N, forward.count());
        assertQuantilesWithinBound(values, forward);
    }

    @Test
    void mergingAFinerSketchCoarsensToTheSketchOfTheCoarserPrecision() {
        Random rnd = new Random(11);
        float[] a = new float[20_000];
        float[] b = new float[20_000];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.exp(4 * rnd.nextGaussian());
            b[i] = (float) -Math.exp(4 * rnd.nextGaussian());
        }
        NeuronSketch fine = sketchOf(a, 8);
        NeuronSketch coarse = sketchOf(b, 5);
        fine.merge(coarse);
        assertEquals(5, fine.precisionBits());
        float[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertArrayEquals(sketchOf(both, 5).toBytes(), fine.toBytes());
        NeuronSketch other = sketchOf(b, 5);
        other.merge(sketchOf(a, 8));
        assertArrayEquals(sketchOf(both, 5).toBytes(), other.toBytes());
    }

    @Test
    void sizeStaysBoundedOverAHugeDynamicRangeAndTinyMagnitudesCollapse() {
        NeuronSketch s = NeuronSketch.create(NeuronSketch.DEFAULT_PRECISION_BITS);
        Random rnd = new Random(5);
        for (int i = 0; i < N; i++) {
            s.update((float) Math.pow(10, rnd.nextDouble() * 60 - 30)); // 1e-30 .. 1e30
        }
        int maxBuckets = NeuronSketch.OCTAVES << NeuronSketch.DEFAULT_PRECISION_BITS;
        // Header, then at most maxBuckets counts of at most 3 bytes each (counts here are far below 2^21).
        assertTrue(s.toBytes().length < 32 + 3 * maxBuckets, "bytes: " + s.toBytes().length);
        double top = s.quantiles(1.0)[0];
        double floor = top * Math.scalb(1.0, -NeuronSketch.OCTAVES);
        double low = s.quantiles(0.01)[0];
        assertTrue(low <= floor * 2 && low >= s.quantiles(0)[0], "collapsed low quantile " + low);
        double p99 = s.quantiles(0.99)[0];
        assertTrue(p99 > 1e28 && p99 < 1e30, "p99 " + p99);
    }

    @Test
    void rankIsExactForAValueInTheSameBucket() {
        Random rnd = new Random(9);
        float[] values = new float[N];
        for (int i = 0; i < N; i++) {
            values[i] = (float) rnd.nextGaussian();
        }
        NeuronSketch s = sketchOf(values, NeuronSketch.DEFAULT_PRECISION_BITS);
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        double w = Math.scalb(1.0, -NeuronSketch.DEFAULT_PRECISION_BITS);
        for (float v = -3f; v <= 3f; v += 0.173f) {
            double rank = s.rank(v);
            float lo = (float) (v >= 0 ? v / (1 + w) : v * (1 + w));
            float hi = (float) (v >= 0 ? v * (1 + w) : v / (1 + w));
            double atLo = upperBound(sorted, lo) / (double) N;
            double atHi = upperBound(sorted, hi) / (double) N;
            assertTrue(rank >= atLo && rank <= atHi, "rank(" + v + ") = " + rank + " outside [" + atLo + ", "
                    + atHi + "]");
        }
        assertEquals(0.0, s.rank(sorted[0] - 1));
        assertEquals(1.0, s.rank(sorted[N - 1]));
    }

    @Test
    void serializationRoundTripsByteForByte() {
        NeuronSketch s = NeuronSketch.create(NeuronSketch.DEFAULT_PRECISION_BITS);
        Random rnd = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            s.update(rnd.nextFloat() - 0.3f);
            s.update(0f);
        }
        byte[] bytes = s.toBytes();
        NeuronSketch back = NeuronSketch.fromBytes(bytes);
        assertArrayEquals(bytes, back.toBytes());
        assertArrayEquals(s.quantiles(0.1, 0.5, 0.9), back.quantiles(0.1, 0.5, 0.9));
        assertEquals(s.count(), back.count());
        assertArrayEquals(NeuronSketch.create(4).toBytes(), NeuronSketch.fromBytes(NeuronSketch.create(4).toBytes())
                .toBytes());
    }

    @Test
    void bulkUpdateGivesTheBytesOfOneUpdatePerValue() {
        Random rnd = new Random(3);
        for (int t = 0; t < 500; t++) {
            int n = rnd.nextInt(3000); // across the bulk path's chunks of 1024
            float[] v = new float[n];
            int kind = t % 5;
            for (int i = 0; i < n; i++) {
                double g = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12) - 6);
                v[i] = switch (kind) {
                    case 0 -> (float) g;
                    case 1 -> (float) Math.max(0, g); // ReLU: half zeros
                    case 2 -> rnd.nextInt(40) == 0 ? Float.NaN
                            : rnd.nextInt(40) == 0 ? Float.NEGATIVE_INFINITY : (float) g;
                    case 3 -> rnd.nextInt(3) == 0 ? Float.MIN_VALUE * rnd.nextInt(5) : (float) g; // subnormals
                    default -> rnd.nextBoolean() ? -0.0f : (float) (g * 1e30); // -0 and collapsing magnitudes
                };
            }
            int bits = 1 + t % 8;
            NeuronSketch one = NeuronSketch.create(bits);
            for (float x : v) {
                one.update(x);
            }
            NeuronSketch bulk = NeuronSketch.create(bits);
            int split = rnd.nextInt(n + 1);
            bulk.update(v, 0, split);
            bulk.update(v, split, n);
            assertArrayEquals(one.toBytes(), bulk.toBytes(), "case " + t + " (kind " + kind + ", n " + n + ")");
            assertEquals(one.count(), bulk.count());
        }
    }

    @Test
    void nonFiniteValuesAreIgnoredAndAnEmptySketchGivesNaN() {
        NeuronSketch s = NeuronSketch.create(NeuronSketch.DEFAULT_PRECISION_BITS);
        assertTrue(Double.isNaN(s.quantiles(0.5)[0]));
        assertTrue(Double.isNaN(s.rank(1f)));
        s.update(Float.NaN);
        s.update(Float.POSITIVE_INFINITY);
        s.update(Float.NEGATIVE_INFINITY);
        assertEquals(0, s.count());
        s.update(3f);
        assertEquals(1, s.count());
        assertArrayEquals(new double[] {3, 3, 3}, s.quantiles(0, 0.5, 1));
    }

    @Test
    void rejectsBadArgumentsAndCorruptBytesWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> NeuronSketch.create(0));
        assertThrows(IllegalArgumentException.class, () -> NeuronSketch.create(11));
        assertThrows(IllegalArgumentException.class, () -> NeuronSketch.create(6).quantiles(1.5));
        assertThrows(IllegalArgumentException.class, () -> NeuronSketch.fromBytes(new byte[] {1, 2, 3}));
        NeuronSketch s = NeuronSketch.create(6);
        for (int i = 1; i <= 100; i++) {
            s.update(i);
        }
        byte[] bytes = s.toBytes();
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> NeuronSketch.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)));
        assertTrue(truncated.getMessage().startsWith("not a neuron sketch (" + (bytes.length - 1) + " bytes)"),
                truncated.getMessage());
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(IllegalArgumentException.class, () -> NeuronSketch.fromBytes(trailing));
        Random rnd = new Random(2);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[rnd.nextInt(40)];
            rnd.nextBytes(garbage);
            try {
                NeuronSketch.fromBytes(garbage);
            } catch (IllegalArgumentException expected) {
                // the only way to fail
            }
        }
    }

    static NeuronSketch sketchOf(float[] values, int bits) {
        NeuronSketch s = NeuronSketch.create(bits);
        for (float v : values) {
            s.update(v);
        }
        return s;
    }

    /**
     * Each returned quantile is within the sketch's relative error of the exact inclusive quantile (the smallest
     * value whose fraction of values {@code <=} it reaches the rank), up to the collapse floor; ranks 0 and 1 exact.
     */
    static void assertQuantilesWithinBound(float[] values, NeuronSketch sketch) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double alpha = sketch.relativeErrorBound();
        double floor = Math.max(Math.abs(sorted[0]), Math.abs(sorted[n - 1]))
                * Math.scalb(1.0, 1 - NeuronSketch.OCTAVES);
        double[] ranks = new double[104];
        for (int i = 0; i <= 100; i++) {
            ranks[i] = i / 100.0;
        }
        ranks[101] = 0.999;
        ranks[102] = 0.9999;
        ranks[103] = 0.0001;
        double worst = 0;
        for (double r : ranks) {
            double q = sketch.quantiles(r)[0];
            double exact = r == 0 ? sorted[0] : sorted[(int) Math.max(1, Math.ceil(r * n)) - 1];
            double err = Math.abs(q - exact);
            worst = Math.max(worst, err / Math.max(Math.abs(exact), Float.MIN_NORMAL));
            assertTrue(err <= alpha * Math.abs(exact) * (1 + 1e-9) + floor,
                    "rank " + r + ": quantile " + q + ", exact " + exact + ", alpha " + alpha);
        }
        assertEquals(sorted[0], sketch.quantiles(0)[0]);
        assertEquals(sorted[n - 1], sketch.quantiles(1)[0]);
        assertTrue(worst > 0 || n < 1000, "an exact sketch of many values would be suspicious");
    }

    /** Number of values <= v. */
    private static int upperBound(float[] sorted, float v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void shuffle(float[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
