package io.neurowatch.connectors.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A sequence of named blocks whose forward returns the final output followed by the outputs of the children it was
 * asked to tap: a Java-built model that reports its own intermediate layers, as {@link TappedModel} expects.
 *
 * <pre>{@code
 * TapBlock net = new TapBlock()
 *         .add("conv1", convReluBlock).add("pool1", Pool.maxPool2dBlock(new Shape(2, 2)))
 *         .add("pool", Pool.globalAvgPool2dBlock()).add("logits", Linear.builder().setUnits(10).build())
 *         .tap("conv1", "pool");
 * net.outputNames();   // [logits, conv1, pool]
 * }</pre>
 *
 * <p>Each tapped child must return a single array. Parameters save and load like a {@code SequentialBlock}'s (the
 * tap list is structure, not data: rebuild the same block before loading). Not thread-safe while being built.
 */
public final class TapBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final List<String> names = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();
    private final List<Integer> tapped = new ArrayList<>();

    public TapBlock() {
        super(VERSION);
    }

    /**
     * Appends a child.
     *
     * @throws IllegalArgumentException if the name is blank or already used
     */
    public TapBlock add(String name, Block block) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tap block child needs a name");
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("duplicate child name '" + name + "' in " + names);
        }
        names.add(name);
        blocks.add(addChildBlock(name, block));
        return this;
    }

    /** Appends a parameter-free child computing {@code f} of the previous output. */
    public TapBlock add(String name, Function<NDArray, NDArray> f) {
        return add(name, LambdaBlock.singleton(f, name));
    }

    /**
     * Chooses the children whose outputs follow the final output, in this order (replacing an earlier choice).
     * Naming the last child is allowed and adds nothing: it is the final output already.
     *
     * @throws IllegalArgumentException for an unknown or repeated name
     */
    public TapBlock tap(String... children) {
        Set<String> seen = new HashSet<>();
        List<Integer> chosen = new ArrayList<>();
        for (String name : children) {
            int i = names.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("no child named '" + name + "'; children are " + names);
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("'" + name + "' tapped twice");
            }
            if (i != names.size() - 1) {
                chosen.add(i);
            }
        }
        tapped.clear();
        tapped.addAll(chosen);
        return this;
    }

    /** Names of the forward's outputs: the last child's, then the tapped children's. */
    public List<String> outputNames() {
        if (names.isEmpty()) {
            throw new IllegalStateException("the tap block has no children");
        }
        List<String> out = new ArrayList<>();
        out.add(names.get(names.size() - 1));
        tapped.forEach(i -> out.add(names.get(i)));
        return List.copyOf(out);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray[] taps = new NDArray[blocks.size()];
        NDList current = inputs;
        for (int i = 0; i < blocks.size(); i++) {
            current = blocks.get(i).forward(parameterStore, current, training, params);
            if (tapped.contains(i)) {
                if (current.size() != 1) {
                    throw new IllegalStateException("tapped child '" + names.get(i) + "' returned "
                            + current.size() + " arrays; a tap must return exactly one");
                }
                taps[i] = current.get(0);
            }
        }
        NDList out = new NDList(current.singletonOrThrow());
        tapped.forEach(i -> out.add(taps[i]));
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (blocks.isEmpty()) {
            throw new IllegalStateException("the tap block has no children");
        }
        Shape[] taps = new Shape[blocks.size()];
        Shape[] current = inputShapes;
        for (int i = 0; i < blocks.size(); i++) {
            current = blocks.get(i).getOutputShapes(current);
            taps[i] = current[0];
        }
        Shape[] out = new Shape[1 + tapped.size()];
        out[0] = current[0];
        for (int k = 0; k < tapped.size(); k++) {
            out[k + 1] = taps[tapped.get(k)];
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block child : blocks) {
            child.initialize(manager, dataType, shapes);
            shapes = child.getOutputShapes(shapes);
        }
    }
}
