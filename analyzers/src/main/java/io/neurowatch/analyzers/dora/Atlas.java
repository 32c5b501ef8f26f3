package io.neurowatch.analyzers.dora;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an atlas picture shows: one point per scored neuron at its 2-D embedding, outliers highlighted, optional
 * thumbnails (e.g. each neuron's first s-AMS). Arrays and the map are copied on construction and on access: immutable
 * and thread-safe.
 *
 * @param title caption drawn at the top
 * @param neuronIds the neuron id of each point
 * @param x first coordinate of each point
 * @param y second coordinate of each point
 * @param outlier whether each point is flagged
 * @param thumbnails PNG files by neuron id (may be empty; ids without a point are ignored)
 * @throws IllegalArgumentException if the arrays differ in length or a coordinate is not finite
 */
public record Atlas(String title, int[] neuronIds, double[] x, double[] y, boolean[] outlier,
                    Map<Integer, Path> thumbnails) {

    public Atlas {
        int n = neuronIds.length;
        if (x.length != n || y.length != n || outlier.length != n) {
            throw new IllegalArgumentException("neuronIds, x, y and outlier must have the same length");
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("point of neuron " + neuronIds[i] + " has a non-finite coordinate");
            }
        }
        title = title == null ? "" : title;
        neuronIds = neuronIds.clone();
        x = x.clone();
        y = y.clone();
        outlier = outlier.clone();
        thumbnails = java.util.Collections.unmodifiableMap(new TreeMap<>(thumbnails == null ? Map.of() : thumbnails));
    }

    /**
     * The atlas of a DORA result: classical MDS of the distances among the scored neurons (excluded ones have no
     * meaningful position), outliers as flagged by LOF.
     */
    public static Atlas of(DoraResult result, String title) {
        int[] ids = result.scored();
        double[][] sub = new double[ids.length][ids.length];
        for (int a = 0; a < ids.length; a++) {
            for (int b = 0; b < ids.length; b++) {
                sub[a][b] = result.distances().distance(ids[a], ids[b]);
            }
        }
        Embedding2d e = ClassicalMds.embed(sub);
        boolean[] flags = result.outlier();
        boolean[] out = new boolean[ids.length];
        for (int a = 0; a < ids.length; a++) {
            out[a] = flags[ids[a]];
        }
        return new Atlas(title, ids, e.x(), e.y(), out, Map.of());
    }

    /** A copy with these thumbnails. */
    public Atlas withThumbnails(Map<Integer, Path> pngByNeuron) {
        return new Atlas(title, neuronIds, x, y, outlier, pngByNeuron);
    }

    public int size() {
        return neuronIds.length;
    }

    @Override
    public int[] neuronIds() {
        return neuronIds.clone();
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
    public boolean[] outlier() {
        return outlier.clone();
    }

    /** The number of flagged points. */
    public int outlierCount() {
        int n = 0;
        for (boolean b : outlier) {
            n += b ? 1 : 0;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Atlas a && title.equals(a.title) && Arrays.equals(neuronIds, a.neuronIds)
                && Arrays.equals(x, a.x) && Arrays.equals(y, a.y) && Arrays.equals(outlier, a.outlier)
                && thumbnails.equals(a.thumbnails);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(neuronIds) * 31 + Arrays.hashCode(x);
    }

    @Override
    public String toString() {
        return "Atlas[" + neuronIds.length + " points, " + outlierCount() + " outliers, " + thumbnails.size()
                + " thumbnails]";
    }
}
