package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Adapters from DJL blocks to {@link LayerFunction}. DJL cannot hook inside a block, so either the block returns
 * its tapped layers itself (a TorchScript export that returns them as extra outputs), or it is a
 * {@link SequentialBlock} whose children are run one by one and tapped after given positions.
 *
 * <p>Both adapters freeze the block's parameters (no gradients), since the image is the only thing optimised and
 * weight gradients would only cost time and memory; forward passes run with training = false.
 */
public final class BlockLayers {
    private BlockLayers() {
    }

    /** A block whose forward output is the list of tapped layers. */
    public static LayerFunction of(Block block) {
        freeze(block);
        return x -> block.forward(new ParameterStore(x.getManager(), false), new NDList(x), false);
    }

    /**
     * A sequential block tapped after the children at {@code childIndices} (0-based, ascending); the output list
     * follows that order. Children after the last tap are not run.
     */
    public static LayerFunction sequentialTaps(SequentialBlock block, int... childIndices) {
        List<Block> children = new ArrayList<>();
        for (Pair<String, Block> child : block.getChildren()) {
            children.add(child.getValue());
        }
        int[] taps = childIndices.clone();
        if (taps.length == 0) {
            throw new IllegalArgumentException("at least one tap is needed");
        }
        for (int i = 0; i < taps.length; i++) {
            if (taps[i] < 0 || taps[i] >= children.size() || (i > 0 && taps[i] <= taps[i - 1])) {
                throw new IllegalArgumentException("taps must be ascending child indices below " + children.size()
                        + ", got " + Arrays.toString(childIndices));
            }
        }
        freeze(block);
        int last = taps[taps.length - 1];
        return x -> {
            ParameterStore store = new ParameterStore(x.getManager(), false);
            NDList current = new NDList(x);
            NDList out = new NDList(taps.length);
            int next = 0;
            for (int i = 0; i <= last; i++) {
                current = children.get(i).forward(store, current, false);
                if (i == taps[next]) {
                    out.add(current.singletonOrThrow());
                    next++;
                }
            }
            return out;
        };
    }

    /** Stops gradient tracking on every initialised parameter of {@code block}. */
    public static void freeze(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter parameter = p.getValue();
            if (parameter.isInitialized()) {
                parameter.getArray().setRequiresGradient(false);
            }
        }
    }
}
