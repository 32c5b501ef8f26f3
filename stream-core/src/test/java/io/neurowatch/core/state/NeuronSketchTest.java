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
    void documentedRankErrorForDefaultK() {
        assertEquals(0.0133, NeuronSketch.rankErrorBound(NeuronSketch.DEFAULT_K), 0.0005);
        assertEquals(NeuronSketch.rankErrorBound(200), NeuronSketch.create(200).rankErrorBound());
    }

    @Test
    void quantilesWithinRankErrorOn100kGaussianValues() {
        float[] values = new float[N];
        Random rnd = new Random(42);
        for (int i = 0; i < N; i++) {
            values[i] = (float) rnd.nextGaussian();
        }
        NeuronSketch sketch = NeuronSketch.create(NeuronSketch.DEFAULT_K);
        for (float v : values) {
            sketch.update(v);
        }
        assertEquals(N, sketch.count());
        assertQuantilesWithinBound(values, sketch);
    }

    @Test
    void mergedHalvesKeepTheBound() {
        float[] values = new float[N];
        Random rnd = new Random(7);
        NeuronSketch a = NeuronSketch.create(200);
        NeuronSketch b = NeuronSketch.create(200);
        for (int i = 0; i < N; i++) {
            values[i] = (float) Math.exp(rnd.nextGaussian()); // skewed, like post-ReLU tails
            (i % 3 == 0 ? a : b).update(values[i]);
        }
        a.merge(b);
        assertEquals(N, a.count());
        assertQuantilesWithinBound(values, a);
    }

    @Test
    void serializationRoundTripsByteForByte() {
        NeuronSketch s = NeuronSketch.create(200);
        Random rnd = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            s.update(rnd.nextFloat());
        }
        byte[] bytes = s.toBytes();
        NeuronSketch back = NeuronSketch.fromBytes(bytes);
        assertArrayEquals(bytes, back.toBytes());
        assertArrayEquals(s.quantiles(0.1, 0.5, 0.9), back.quantiles(0.1, 0.5, 0.9));
        assertEquals(s.count(), back.count());
    }

    @Test
    void nanIsIgnoredAndEmptySketchGivesNaN() {
        NeuronSketch s = NeuronSketch.create(200);
        assertTrue(Double.isNaN(s.quantiles(0.5)[0]));
        s.update(Float.NaN);
        assertEquals(0, s.count());
        s.update(3f);
        assertEquals(1, s.count());
        assertArrayEquals(new double[] {3, 3, 3}, s.quantiles(0, 0.5, 1));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> NeuronSketch.create(4));
        assertThrows(IllegalArgumentException.class, () -> NeuronSketch.create(200).quantiles(1.5));
        assertThrows(IllegalArgumentException.class, () -> NeuronSketch.fromBytes(new byte[] {1, 2, 3}));
    }

    /** The true rank of each returned quantile is within the sketch's own ε of the requested rank. */
    static void assertQuantilesWithinBound(float[] values, NeuronSketch sketch) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        double eps = sketch.rankErrorBound();
        double worst = 0;
        for (int i = 0; i <= 100; i++) {
            double r = i / 100.0;
            double q = sketch.quantiles(r)[0];
            double trueRank = upperBound(sorted, (float) q) / (double) sorted.length;
            double err = Math.abs(trueRank - r);
            worst = Math.max(worst, err);
            assertTrue(err <= eps, "rank " + r + ": quantile " + q + " has true rank " + trueRank + ", eps " + eps);
        }
        assertTrue(worst > 0 || sorted.length < 1000, "an exact sketch on 100k values would be suspicious");
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
}
