package io.neurowatch.connectors.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch of images ready for a model: float NCHW pixels, with the sample ids and names they are published under.
 * Arrays are shared, not copied (batches are large and short-lived): treat them as read-only.
 *
 * @param sampleIds one id per image
 * @param names one readable name per image (file name, or {@code file#index})
 * @param pixels row-major [N, channels, height, width]
 */
public record ImageBatch(long[] sampleIds, String[] names, float[] pixels, int channels, int height, int width) {
    public ImageBatch {
        if (names.length != sampleIds.length
                || (long) sampleIds.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(sampleIds.length + " ids, " + names.length + " names and "
                    + pixels.length + " floats do not make a batch of " + channels + "x" + height + "x" + width);
        }
    }

    /** Number of images. */
    public int size() {
        return sampleIds.length;
    }

    /** The pixels as an [N, C, H, W] float32 array in {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(pixels, new Shape(sampleIds.length, channels, height, width));
    }
}
