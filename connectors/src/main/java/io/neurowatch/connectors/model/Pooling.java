package io.neurowatch.connectors.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * How a channels-first layer output [B, C, …] becomes one value per channel, [B, C]: the mean or the maximum over
 * every position (H, W for a conv layer). A [B, K] output passes through unchanged.
 */
public enum Pooling {
    MEAN,
    MAX;

    /**
     * The pooled [B, C] array, attached to {@code output}'s manager ({@code output} itself when it is [B, K]).
     *
     * @throws IllegalArgumentException for a rank below 2
     */
    public NDArray apply(NDArray output) {
        Shape shape = output.getShape();
        if (shape.dimension() < 2) {
            throw new IllegalArgumentException("cannot pool an output of shape " + shape + ": need [B, C, ...]");
        }
        if (shape.dimension() == 2) {
            return output;
        }
        // The PyTorch engine reduces over one axis at a time: flatten the positions into one.
        try (NDArray flat = output.reshape(shape.get(0), shape.get(1), -1)) {
            int[] positions = {2};
            return this == MEAN ? flat.mean(positions) : flat.max(positions);
        }
    }

    /** The pooled output as rows [B][C] of float32, leaving no new native memory behind. */
    public float[][] rows(NDArray output) {
        NDArray pooled = apply(output);
        NDArray floats = pooled.getDataType() == DataType.FLOAT32 ? pooled : pooled.toType(DataType.FLOAT32, false);
        try {
            int b = Math.toIntExact(floats.getShape().get(0));
            int c = Math.toIntExact(floats.getShape().get(1));
            float[] flat = floats.toFloatArray();
            float[][] out = new float[b][];
            for (int i = 0; i < b; i++) {
                out[i] = java.util.Arrays.copyOfRange(flat, i * c, (i + 1) * c);
            }
            return out;
        } finally {
            if (floats != output) {
                floats.close();
            }
            if (pooled != output && pooled != floats) {
                pooled.close();
            }
        }
    }
}
