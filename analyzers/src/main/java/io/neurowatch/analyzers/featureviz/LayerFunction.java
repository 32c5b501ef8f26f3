package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The model as feature visualization sees it: a normalised NCHW batch in, the tapped layer outputs out, always in
 * the same order, each with the batch as its first dimension. Objectives address layers by that position.
 *
 * <p>The function must run the model in inference mode and must not make anything but its input require gradients;
 * it must also accept the varying input sizes produced by the random resize. Build one from a DJL block with
 * {@link BlockLayers}, or combine several models with {@link ModelBunch}.
 */
@FunctionalInterface
public interface LayerFunction {
    NDList forward(NDArray normalisedNchwBatch);
}
