package io.neurowatch.analyzers.dora;

import java.util.Arrays;

/**
 * Data-aware DORA (n-AMS): encodings from each neuron's top-activating <em>real</em> inputs instead of synthetic
 * maximisation signals. The DORA paper's alternative to s-AMS; it needs no model and no gradients, only the layer's
 * activations on some data — which a streaming analyzer sees anyway.
 *
 * <p>{@code Ā⁺[i][j]} is the mean activation of neuron j over the {@code top} samples on which neuron i is largest
 * (ties by sample order, earlier first), the same shape as s-AMS encodings, so EA distances and LOF apply unchanged.
 * A neuron whose top samples are unlike everybody else's (a watermark detector, whose top inputs carry the
 * watermark) then stands out exactly as an s-AMS outlier does.
 */
public final class NaturalEncodings {
    private NaturalEncodings() {
    }

    /**
     * @param rows activations [samples][k], finite
     * @param top natural AMS per neuron (n); clamped to the number of samples
     * @throws IllegalArgumentException for no samples, ragged rows, a non-finite value or {@code top < 1}
     */
    public static MeanEncodings of(float[][] rows, int top) {
        if (rows == null || rows.length == 0) {
            throw new IllegalArgumentException("n-AMS need at least one sample");
        }
        if (top < 1) {
            throw new IllegalArgumentException("top must be at least 1, got " + top);
        }
        int k = rows[0].length;
        for (int s = 0; s < rows.length; s++) {
            if (rows[s].length != k) {
                throw new IllegalArgumentException("sample " + s + " has " + rows[s].length + " neurons, not " + k);
            }
        }
        int n = Math.min(top, rows.length);
        double[][] plus = new double[k][k];
        Integer[] order = new Integer[rows.length];
        for (int i = 0; i < k; i++) {
            for (int s = 0; s < rows.length; s++) {
                order[s] = s;
            }
            final int neuron = i;
            // Stable sort: equal activations keep sample order, so the choice is deterministic.
            Arrays.sort(order, (a, b) -> Float.compare(rows[b][neuron], rows[a][neuron]));
            for (int t = 0; t < n; t++) {
                float[] r = rows[order[t]];
                for (int j = 0; j < k; j++) {
                    plus[i][j] += r[j];
                }
            }
            for (int j = 0; j < k; j++) {
                plus[i][j] /= n;
            }
        }
        return new MeanEncodings(plus, null, n);
    }
}
