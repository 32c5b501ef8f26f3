package io.neurowatch.analyzers.dora;

import java.util.Arrays;

/**
 * DORA's data-free analysis of one layer (spec dora.md §4 steps 5–6): EA distances from the averaged s-AMS
 * encodings, then LOF on the neurons that can be scored, with results mapped back to neuron ids.
 *
 * <p>Immutable and thread-safe.
 */
public final class DoraAnalyzer {
    private final DoraParams params;

    /** @throws IllegalArgumentException if {@code params} is null */
    public DoraAnalyzer(DoraParams params) {
        if (params == null) {
            throw new IllegalArgumentException("params are required");
        }
        this.params = params;
    }

    public DoraParams params() {
        return params;
    }

    /**
     * @throws IllegalArgumentException if fewer than 2 neurons remain to be scored (the message says how many were
     *     excluded and why)
     */
    public DoraResult analyze(MeanEncodings encodings) {
        if (encodings == null) {
            throw new IllegalArgumentException("encodings are required");
        }
        return analyze(new EaDistance(params.mode(), params.nanToZero()).compute(encodings));
    }

    /**
     * Scores precomputed distances; the result's parameters take their mode and NaN handling from them.
     *
     * @throws IllegalArgumentException if fewer than 2 neurons remain to be scored
     */
    public DoraResult analyze(EaDistances distances) {
        if (distances == null) {
            throw new IllegalArgumentException("distances are required");
        }
        DoraParams used = params.withMode(distances.mode()).withNanToZero(distances.nanToZero());
        int k = distances.size();
        int[] excluded = RowExclusion.excluded(distances, used.excludeDead());
        int[] scored = java.util.stream.IntStream.range(0, k).filter(i -> Arrays.binarySearch(excluded, i) < 0)
                .toArray();
        if (scored.length < 2) {
            throw new IllegalArgumentException("LOF needs at least 2 neurons, but only " + scored.length + " of " + k
                    + " remain after excluding " + excluded.length + " (dead " + Arrays.toString(distances.deadRows())
                    + ", undefined pair-wise distances " + distances.nanPairs().size() + ")");
        }
        double[][] sub = new double[scored.length][scored.length];
        for (int a = 0; a < scored.length; a++) {
            for (int b = 0; b < scored.length; b++) {
                sub[a][b] = distances.distance(scored[a], scored[b]);
            }
        }
        LofResult lof = new LocalOutlierFactor(used.nNeighbors(), used.contamination()).fit(sub);
        double[] nof = new double[k];
        Arrays.fill(nof, Double.NaN);
        boolean[] outlier = new boolean[k];
        int[][] neighbors = new int[k][0];
        double[] subNof = lof.negativeOutlierFactor();
        boolean[] subOut = lof.outlier();
        int[][] subNb = lof.neighbors();
        for (int a = 0; a < scored.length; a++) {
            int id = scored[a];
            nof[id] = subNof[a];
            outlier[id] = subOut[a];
            neighbors[id] = Arrays.stream(subNb[a]).map(b -> scored[b]).toArray();
        }
        int[] ranking = Arrays.stream(lof.ranking()).map(a -> scored[a]).toArray();
        return new DoraResult(used, distances, excluded, lof.nNeighbors(), nof, lof.offset(), outlier, ranking,
                neighbors);
    }
}
