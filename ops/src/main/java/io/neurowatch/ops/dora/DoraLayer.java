package io.neurowatch.ops.dora;

import io.neurowatch.analyzers.dora.Atlas;
import io.neurowatch.analyzers.dora.DoraResult;
import java.util.Arrays;

/**
 * What the dashboard shows of a layer's DORA result: each neuron's negative outlier factor and flag, and the atlas
 * (the 2-D embedding of the scored neurons). Arrays are copied in and out.
 *
 * @param nof negative outlier factor per neuron (lower is more outlying), NaN when not scored
 * @param outlier flag per neuron
 * @param atlasNeurons the neuron of each atlas point
 * @param x first coordinate of each atlas point
 * @param y second coordinate of each atlas point
 * @throws IllegalArgumentException if the per-neuron or the per-point arrays differ in length
 */
public record DoraLayer(double[] nof, boolean[] outlier, int[] atlasNeurons, double[] x, double[] y) {
    public DoraLayer {
        if (nof.length != outlier.length || atlasNeurons.length != x.length || x.length != y.length) {
            throw new IllegalArgumentException("nof and outlier, and the atlas arrays, must have equal lengths");
        }
        nof = nof.clone();
        outlier = outlier.clone();
        atlasNeurons = atlasNeurons.clone();
        x = x.clone();
        y = y.clone();
    }

    /** From an in-process analysis. */
    public static DoraLayer of(DoraResult result, Atlas atlas) {
        return new DoraLayer(result.negativeOutlierFactor(), result.outlier(), atlas.neuronIds(), atlas.x(),
                atlas.y());
    }

    /** The number of neurons k. */
    public int size() {
        return nof.length;
    }

    @Override
    public double[] nof() {
        return nof.clone();
    }

    @Override
    public boolean[] outlier() {
        return outlier.clone();
    }

    @Override
    public int[] atlasNeurons() {
        return atlasNeurons.clone();
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] y() {
        return y.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DoraLayer d && Arrays.equals(nof, d.nof) && Arrays.equals(outlier, d.outlier)
                && Arrays.equals(atlasNeurons, d.atlasNeurons) && Arrays.equals(x, d.x) && Arrays.equals(y, d.y);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nof) * 31 + Arrays.hashCode(atlasNeurons);
    }

    @Override
    public String toString() {
        return "DoraLayer[k=" + nof.length + ", atlas points=" + atlasNeurons.length + "]";
    }
}
