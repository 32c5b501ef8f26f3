package io.neurowatch.ops.http;

import io.neurowatch.core.state.NeuronSketch;
import io.neurowatch.ops.http.DashboardData.Histogram;

/**
 * An equal-width activation histogram read from a neuron's sketch: edges from the exact minimum to the exact
 * maximum, counts from the sketch's CDF. Each edge's cumulative count is exact for a value within relative 2^-m of
 * the edge (1.6% at the default precision), so a count is off by at most the values that close to its two edges;
 * the counts add up to n exactly.
 */
final class SketchHistogram {
    private SketchHistogram() {
    }

    /** @return null for an empty sketch; a single bin when every value is the same */
    static Histogram of(NeuronSketch sketch, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be positive: " + bins);
        }
        long n = sketch.count();
        if (n == 0) {
            return null;
        }
        double[] range = sketch.quantiles(0.0, 1.0);
        double min = range[0];
        double max = range[1];
        if (!(max > min)) {
            return new Histogram(new double[] {min, max}, new long[] {n});
        }
        double[] edges = new double[bins + 1];
        long[] counts = new long[bins];
        double width = (max - min) / bins;
        for (int i = 0; i <= bins; i++) {
            edges[i] = i == bins ? max : min + i * width;
        }
        // Cumulative counts rounded once each, so that no bin is negative and the total is n.
        long before = 0;
        for (int i = 0; i < bins; i++) {
            long upTo = i == bins - 1 ? n : Math.round(n * sketch.rank(belowOrAt(edges[i + 1])));
            upTo = Math.max(before, Math.min(n, upTo));
            counts[i] = upTo - before;
            before = upTo;
        }
        return new Histogram(edges, counts);
    }

    /**
     * The largest float not above an edge: the sketch holds floats and ranks values {@code <=} the query, so a
     * value equal to a rounded-up edge would otherwise land in the bin below.
     */
    private static float belowOrAt(double edge) {
        float f = (float) edge;
        return f > edge ? Math.nextDown(f) : f;
    }
}
