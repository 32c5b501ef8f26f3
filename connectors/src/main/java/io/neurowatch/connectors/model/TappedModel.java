package io.neurowatch.connectors.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A DJL model whose forward returns named outputs: the model's own output first, then the tapped layers. Neurowatch
 * reads activations through it, and feature visualization differentiates through it.
 *
 * <p>Two kinds:
 * <ul>
 *   <li>{@link #loadTorchScript}: a TorchScript file whose {@code forward(x)} returns a tuple (output, tap1, …).
 *       A scripted model cannot be hooked from Java, so the wrapper exported from Python must return the taps
 *       (docs/models.md). The names come from the caller or the sidecar {@code <file>.taps.json}.</li>
 *   <li>{@link #of(Model, int[])}: a Java-built model whose block is a {@link TapBlock} (e.g. {@link SmallCnn}),
 *       or {@link #of(Model, List, int[])} for any block returning as many arrays as names are given.</li>
 * </ul>
 *
 * <p>Forward runs in evaluation mode (no dropout, batch-norm running statistics) and records no autograd graph,
 * except inside a {@code GradientCollector}: then gradients flow to an input that requires them (outputs are never
 * detached). Outputs are attached to the input's manager. Owns the model: {@link #close()} closes it. Not
 * thread-safe: DJL's parameter store and PyTorch's gradient collector are not, so call it from one thread at a time.
 */
public final class TappedModel implements AutoCloseable {
    /** Suffix of the sidecar next to a TorchScript file that names its outputs. */
    public static final String SIDECAR_SUFFIX = ".taps.json";

    private final Model model;
    private final List<String> outputs;
    private final int[] inputShape;
    private final boolean scripted;
    private final ParameterStore parameters;

    private TappedModel(Model model, List<String> outputs, int[] inputShape, boolean scripted) {
        this.model = model;
        this.outputs = List.copyOf(outputs);
        this.inputShape = inputShape == null ? null : inputShape.clone();
        this.scripted = scripted;
        this.parameters = new ParameterStore(model.getNDManager(), false);
        requireUnique(this.outputs);
    }

    /**
     * Wraps a Java-built model whose block is a {@link TapBlock}; the output names are its
     * {@link TapBlock#outputNames()}. Takes ownership of {@code model}.
     *
     * @param inputShape one sample's shape (e.g. C, H, W), or null if unknown
     * @throws IllegalArgumentException if the block is not a {@code TapBlock}
     */
    public static TappedModel of(Model model, int[] inputShape) {
        Block block = Objects.requireNonNull(model, "model").getBlock();
        if (!(block instanceof TapBlock taps)) {
            throw new IllegalArgumentException("model '" + model.getName() + "' has a "
                    + (block == null ? "null block" : block.getClass().getSimpleName())
                    + ", not a TapBlock: name its outputs with of(model, outputs, inputShape)");
        }
        return new TappedModel(model, taps.outputNames(), inputShape, false);
    }

    /**
     * Wraps a Java-built model whose block's forward returns one array per name, in this order. Takes ownership.
     *
     * @throws IllegalArgumentException if a name is repeated or the list is empty
     */
    public static TappedModel of(Model model, List<String> outputs, int[] inputShape) {
        Objects.requireNonNull(model.getBlock(), "model block");
        return new TappedModel(model, outputs, inputShape, false);
    }

    /**
     * Loads a TorchScript file with the PyTorch engine.
     *
     * @param outputs names of the tuple elements forward returns; null to read them from the sidecar next to the
     *     file, {@code m.pt.taps.json} for {@code m.pt} (or {@code m.taps.json}):
     *     {@code {"outputs": ["logits", "layer3", ...]}}
     * @param inputShape one sample's shape (e.g. 3, 224, 224), or null if unknown
     * @throws java.io.FileNotFoundException if the file, or the sidecar when {@code outputs} is null, is missing
     * @throws io.neurowatch.connectors.io.FileFormatException if the sidecar is not valid, or libtorch cannot load
     *     the file
     * @throws MalformedModelException if DJL finds the model malformed
     */
    public static TappedModel loadTorchScript(Path file, List<String> outputs, int[] inputShape)
            throws IOException, MalformedModelException {
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException(file + ": no such TorchScript file");
        }
        List<String> names = outputs != null ? outputs : TapsSidecar.read(file);
        Model model = Model.newInstance(file.getFileName().toString(), "PyTorch");
        try {
            // trainParam=true loads the weights outside libtorch's inference mode: tensors made in inference mode
            // cannot take part in autograd, and feature visualization needs gradients with respect to the input.
            model.load(file, null, Map.of("trainParam", "true"));
            model.getBlock().freezeParameters(true);
            return new TappedModel(model, names, inputShape, true);
        } catch (ai.djl.engine.EngineException e) {
            model.close();
            throw new io.neurowatch.connectors.io.FileFormatException(file, "libtorch cannot load it as TorchScript: "
                    + e.getMessage(), e);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Output names in forward order; the first is the model's own output. */
    public List<String> outputs() {
        return outputs;
    }

    /** One sample's input shape (e.g. [C, H, W]) when known, else null. */
    public int[] inputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    /**
     * The wrapped DJL model (for training a Java-built one); owned by this instance. Do not run a TorchScript
     * model's block yourself with {@code training=false}: that switches the module's mode (see {@link #forward}).
     */
    public Model model() {
        return model;
    }

    /** The model's manager (parameters live there). */
    public NDManager manager() {
        return model.getNDManager();
    }

    /**
     * All outputs for a batch, in {@link #outputs()} order. They and every intermediate array are attached to
     * {@code input}'s manager: in a loop, create each batch's input in its own sub-manager and close it.
     *
     * @throws IllegalStateException if the model returns a different number of arrays than there are names
     */
    public NDList forward(NDArray input) {
        NDList out;
        if (scripted) {
            // PtSymbolBlock runs forward(training=false) under libtorch's inference mode, whose outputs cannot be
            // differentiated; training=true runs it under the ordinary grad mode (off outside a GradientCollector).
            // The module itself stays in eval mode: it was loaded in eval mode and PtSymbolBlock only switches the
            // module's mode when the flag differs from the previous call's (initially true), which it never does here.
            out = model.getBlock().forward(parameters, new NDList(input), true);
        } else {
            out = model.getBlock().forward(parameters, new NDList(input), false);
        }
        if (out.size() != outputs.size()) {
            int got = out.size();
            out.close();
            throw new IllegalStateException("model '" + model.getName() + "' returned " + got + " arrays but "
                    + outputs.size() + " output names were given: " + outputs);
        }
        return out;
    }

    /** The output named {@code name} from a {@link #forward} result. */
    public NDArray output(NDList forwardResult, String name) {
        return forwardResult.get(indexOf(name));
    }

    /**
     * Pooled activations of the chosen layers as rows [B][C] (see {@link Pooling}), in the order of {@code layers}.
     * Leaves no native memory behind.
     *
     * @throws IllegalArgumentException for an unknown or repeated layer name
     */
    public Map<String, float[][]> activations(NDArray input, List<String> layers, Pooling pooling) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no layers chosen; outputs are " + outputs);
        }
        requireUnique(layers);
        int[] index = layers.stream().mapToInt(this::indexOf).toArray();
        try (NDManager scope = input.getManager().newSubManager()) {
            // Outputs and intermediates land in the input's manager; borrowing the input into the scope frees them
            // all when it closes, and gives the input back to its own manager.
            input.tempAttach(scope);
            NDList out = forward(input);
            Map<String, float[][]> rows = new LinkedHashMap<>();
            for (int k = 0; k < layers.size(); k++) {
                rows.put(layers.get(k), pooling.rows(out.get(index[k])));
            }
            return rows;
        }
    }

    /** Position of {@code name} in {@link #outputs()}. */
    public int indexOf(String name) {
        int i = outputs.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("model '" + model.getName() + "' has no output '" + name
                    + "'; outputs are " + outputs);
        }
        return i;
    }

    @Override
    public void close() {
        model.close();
    }

    private static void requireUnique(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no output names given");
        }
        Set<String> seen = new HashSet<>();
        List<String> repeated = new ArrayList<>();
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw new IllegalArgumentException("blank output name in " + names);
            }
            if (!seen.add(n)) {
                repeated.add(n);
            }
        }
        if (!repeated.isEmpty()) {
            throw new IllegalArgumentException("output names repeated: " + repeated + " in " + names);
        }
    }
}
