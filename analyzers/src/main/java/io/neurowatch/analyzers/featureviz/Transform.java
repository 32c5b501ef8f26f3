package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * A random robustness transform of the normalised batch (spec §3.6). Each call makes one draw from {@code rng} and
 * applies it to every image of the batch, so batched and single renders see the same geometry. Implementations are
 * differentiable in the batch and leave their results on the batch's manager.
 */
@FunctionalInterface
public interface Transform {
    /** @param batch [B, C, H, W] */
    NDArray apply(NDArray batch, Random rng);
}
