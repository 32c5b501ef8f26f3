package io.neurowatch.ops.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.state.NeuronSketch;
import io.neurowatch.ops.http.DashboardData.Histogram;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SketchHistogramTest {

    @Test
    void countsAreWithinTheSketchErrorOfTheExactHistogram() {
        Random rnd = new Random(4);
        int n = 200_000;
        NeuronSketch sketch = NeuronSketch.create(NeuronSketch.DEFAULT_PRECISION_BITS);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            // Half zeros (a ReLU unit), half a skewed tail.
            values[i] = rnd.nextBoolean() ? 0f : (float) Math.exp(rnd.nextGaussian());
            sketch.update(values[i]);
        }
        Histogram h = SketchHistogram.of(sketch, 20);
        double[] e = h.edges();
        long[] c = h.counts();
        assertEquals(21, e.length);
        assertEquals(0.0, e[0]);
        assertEquals(n, Arrays.stream(c).sum());
        long[] exact = new long[20];
        for (float v : values) {
            int bin = 0;
            while (bin < 19 && v > e[bin + 1]) {
                bin++;
            }
            exact[bin]++;
        }
        // Each edge's cumulative count is exact for some value within relative 2^-m of the edge.
        double w = Math.scalb(1.0, -NeuronSketch.DEFAULT_PRECISION_BITS);
        long movedSomewhere = 0;
        for (int i = 0; i < 20; i++) {
            long tolerance = 1 + near(values, e[i], w) + near(values, e[i + 1], w);
            assertTrue(Math.abs(c[i] - exact[i]) <= tolerance, "bin " + i + ": " + c[i] + " vs exact " + exact[i]
                    + ", tolerance " + tolerance);
            assertTrue(c[i] >= 0);
            movedSomewhere += Math.abs(c[i] - exact[i]);
        }
        assertTrue(c[0] >= n / 2, "the zeros land in the first bin");
        assertTrue(movedSomewhere < n / 100, "total misplaced " + movedSomewhere);
    }

    /** Values within relative {@code w} of {@code x}. */
    private static long near(float[] values, double x, double w) {
        long k = 0;
        for (float v : values) {
            if (v >= x / (1 + w) && v <= x * (1 + w)) {
                k++;
            }
        }
        return k;
    }

    @Test
    void emptyAndConstantSketches() {
        NeuronSketch s = NeuronSketch.create(NeuronSketch.DEFAULT_PRECISION_BITS);
        assertNull(SketchHistogram.of(s, 10));
        for (int i = 0; i < 5; i++) {
            s.update(2.5f);
        }
        Histogram h = SketchHistogram.of(s, 10);
        assertArrayEquals(new double[] {2.5, 2.5}, h.edges());
        assertArrayEquals(new long[] {5}, h.counts());
    }
}
