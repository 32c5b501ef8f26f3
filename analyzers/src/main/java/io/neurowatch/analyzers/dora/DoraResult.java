package io.neurowatch.analyzers.dora;

import java.util.Arrays;

/**
 * The outcome of DORA's analysis of one layer, indexed by neuron (row of the encodings).
 *
 * <p>Neurons left out of LOF ({@code excluded}: dead, or with undefined distances) have NaN scores, no neighbours,
 * are never flagged and are absent from the ranking. Arrays are copied on construction and on access: immutable and
 * thread-safe.
 *
 * @param params the parameters used
 * @param distances the EA distance matrix and its diagnostics
 * @param excluded neurons not scored by LOF, ascending
 * @param nNeighbors LOF neighbourhood size actually used
 * @param negativeOutlierFactor nof per neuron, NaN when excluded; lower is more outlying
 * @param offset the LOF threshold
 * @param outlier flag per neuron (nof &lt; offset)
 * @param ranking scored neurons, most outlying first
 * @param neighbors each neuron's LOF neighbourhood (neuron ids, nearest first); empty when excluded
 */
public record DoraResult(DoraParams params, EaDistances distances, int[] excluded, int nNeighbors,
                         double[] negativeOutlierFactor, double offset, boolean[] outlier, int[] ranking,
                         int[][] neighbors) {

    public DoraResult {
        excluded = excluded.clone();
        negativeOutlierFactor = negativeOutlierFactor.clone();
        outlier = outlier.clone();
        ranking = ranking.clone();
        neighbors = LofResult.deepCopy(neighbors);
    }

    /** The number of neurons k. */
    public int size() {
        return outlier.length;
    }

    /** Flagged neurons, ascending. */
    public int[] outliers() {
        return java.util.stream.IntStream.range(0, outlier.length).filter(i -> outlier[i]).toArray();
    }

    /** Neurons that LOF scored, ascending. */
    public int[] scored() {
        return java.util.stream.IntStream.range(0, outlier.length)
                .filter(i -> Arrays.binarySearch(excluded, i) < 0).toArray();
    }

    @Override
    public int[] excluded() {
        return excluded.clone();
    }

    @Override
    public double[] negativeOutlierFactor() {
        return negativeOutlierFactor.clone();
    }

    @Override
    public boolean[] outlier() {
        return outlier.clone();
    }

    @Override
    public int[] ranking() {
        return ranking.clone();
    }

    @Override
    public int[][] neighbors() {
        return LofResult.deepCopy(neighbors);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DoraResult r && params.equals(r.params) && distances.equals(r.distances)
                && Arrays.equals(excluded, r.excluded) && nNeighbors == r.nNeighbors
                && Arrays.equals(negativeOutlierFactor, r.negativeOutlierFactor)
                && Double.compare(offset, r.offset) == 0 && Arrays.equals(outlier, r.outlier)
                && Arrays.equals(ranking, r.ranking) && Arrays.deepEquals(neighbors, r.neighbors);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(negativeOutlierFactor) * 31 + params.hashCode();
    }

    @Override
    public String toString() {
        return "DoraResult[k=" + outlier.length + ", " + params.mode().wireName() + ", outliers="
                + Arrays.toString(outliers()) + ", excluded=" + Arrays.toString(excluded) + "]";
    }
}
