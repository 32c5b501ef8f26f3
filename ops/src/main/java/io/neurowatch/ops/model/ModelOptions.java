package io.neurowatch.ops.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import io.neurowatch.analyzers.featureviz.ColourSpace;
import io.neurowatch.analyzers.featureviz.LayerFunction;
import io.neurowatch.connectors.model.ImageTransform;
import io.neurowatch.connectors.model.SmallCnn;
import io.neurowatch.connectors.model.TappedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The model options shared by the model-side commands ({@code dora --model}, {@code render}): which file, which
 * architecture, and what input scaling the model was trained with. Documented in docs/models.md.
 */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "FILE",
            description = "TorchScript file whose forward returns (output, taps...) with a <file>.taps.json sidecar, "
                    + "or parameters saved by the small-cnn trainer")
    public Path model;

    @Option(names = "--arch", defaultValue = "auto", paramLabel = "auto|torchscript|small-cnn",
            description = "how to load --model (default: ${DEFAULT-VALUE}: small-cnn files are recognised)")
    String arch;

    @Option(names = "--input-scaling", defaultValue = "imagenet", paramLabel = "imagenet|unit",
            description = "what the model expects: imagenet = ImageNet mean/std normalised, unit = raw [0,1] pixels "
                    + "(default: ${DEFAULT-VALUE})")
    String inputScaling;

    @Option(names = "--input-size", paramLabel = "HxW",
            description = "input size for TorchScript models without a known input shape, e.g. 224x224")
    String inputSize;

    /**
     * Loads the model.
     *
     * @throws IllegalArgumentException naming the option for a bad value
     * @throws IOException naming the file if it cannot be loaded
     */
    public TappedModel open() throws IOException {
        if (model == null) {
            throw new IllegalArgumentException("--model is required");
        }
        int[] hw = size();
        return load(model, arch, hw == null ? null : new int[] {3, hw[0], hw[1]});
    }

    /**
     * Loads a model file: parameters saved by the small-cnn trainer, or TorchScript with its {@code .taps.json}.
     *
     * @param arch {@code auto} (small-cnn files are recognised by their header), {@code torchscript} or
     *             {@code small-cnn}
     * @param inputShape one sample's shape for TorchScript models, or null if unknown
     * @throws IllegalArgumentException for another {@code arch}
     * @throws IOException naming the file if it cannot be loaded
     */
    public static TappedModel load(Path file, String arch, int[] inputShape) throws IOException {
        String a = arch.toLowerCase(Locale.ROOT);
        if (a.equals(SmallCnn.ARCH) || (a.equals("auto") && SmallCnn.isSmallCnnFile(file))) {
            return SmallCnn.load(file);
        }
        if (!a.equals("auto") && !a.equals("torchscript")) {
            throw new IllegalArgumentException("--arch " + arch + ": expected auto, torchscript or small-cnn");
        }
        try {
            return TappedModel.loadTorchScript(file, null, inputShape);
        } catch (MalformedModelException e) {
            throw new IOException(file + ": not a loadable TorchScript model: " + e.getMessage(), e);
        }
    }

    /** The {@code --input-scaling} value as given. */
    public String inputScaling() {
        return inputScaling;
    }

    /** The {@code --input-size} value as given, or null. */
    public String inputSizeText() {
        return inputSize;
    }

    /** [H, W] of the model input: {@code --input-size}, else the model's known input shape. */
    public int[] inputSize(TappedModel m) {
        int[] hw = size();
        if (hw != null) {
            return hw;
        }
        int[] shape = m.inputShape();
        if (shape == null || shape.length != 3) {
            throw new IllegalArgumentException(model + ": input size unknown; pass --input-size HxW");
        }
        return new int[] {shape[1], shape[2]};
    }

    /**
     * How images become this model's input: its input size, {@code channels} channels, and ImageNet normalisation
     * unless {@code --input-scaling unit}. Used by every command that feeds images to {@code --model}.
     *
     * @throws IllegalArgumentException naming the option for an unknown scaling, or ImageNet scaling of a model
     *     that does not take 3 channels
     */
    public ImageTransform inputTransform(TappedModel m, int channels) {
        int[] hw = inputSize(m);
        ImageTransform t = ImageTransform.to(channels, hw[0], hw[1]);
        if (!imagenetInput()) {
            return t;
        }
        if (channels != 3) {
            throw new IllegalArgumentException("--input-scaling imagenet needs a 3-channel model, this one takes "
                    + channels + "; pass --input-scaling unit");
        }
        return t.normalized(ImageTransform.IMAGENET_MEAN, ImageTransform.IMAGENET_STD);
    }

    private int[] size() {
        return inputSize == null ? null : parseSize("--input-size", inputSize);
    }

    /** Parses {@code HxW}; the error names {@code option}. */
    public static int[] parseSize(String option, String text) {
        String[] p = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int h = Integer.parseInt(p[0].strip());
                int w = Integer.parseInt(p[1].strip());
                if (h > 0 && w > 0) {
                    return new int[] {h, w};
                }
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException(option + " " + text + ": expected HxW with positive sizes, e.g. 224x224");
    }

    /**
     * The model as feature visualization and DORA see it: they feed ImageNet-normalised images, so a model trained
     * on raw [0,1] pixels gets them un-normalised first. Freezes the model's parameters: the image is the only
     * thing that needs gradients.
     */
    public LayerFunction layers(TappedModel m) {
        return layers(m, imagenetInput());
    }

    /** Whether {@code --input-scaling} is {@code imagenet} (else {@code unit}); any other value is an error. */
    private boolean imagenetInput() {
        String s = inputScaling.toLowerCase(Locale.ROOT);
        if (!s.equals("imagenet") && !s.equals("unit")) {
            throw new IllegalArgumentException("--input-scaling " + inputScaling + ": expected imagenet or unit");
        }
        return s.equals("imagenet");
    }

    /** As {@link #layers(TappedModel)}; {@code imagenetInput} false for models trained on raw [0,1] pixels. */
    public static LayerFunction layers(TappedModel m, boolean imagenetInput) {
        m.model().getBlock().freezeParameters(true);
        return imagenetInput ? m::forward : x -> m.forward(unnormalise(x));
    }

    /** The shape of output {@code index} for one zero image of {@code height}×{@code width} (batch dim included). */
    public static long[] outputShape(LayerFunction f, int index, int height, int width) {
        try (ai.djl.ndarray.NDManager probe = ai.djl.ndarray.NDManager.newBaseManager()) {
            return f.forward(probe.zeros(new ai.djl.ndarray.types.Shape(1, 3, height, width))).get(index).getShape()
                    .getShape();
        }
    }

    /** The channels (dim 1) of output {@code index}: every neuron DORA analyses by default. */
    public static java.util.List<Integer> allChannels(LayerFunction f, int index, int height, int width) {
        return java.util.stream.IntStream.range(0, (int) outputShape(f, index, height, width)[1]).boxed().toList();
    }

    static NDArray unnormalise(NDArray x) {
        float[] mean = new float[3];
        float[] std = new float[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = (float) ColourSpace.IMAGENET_MEAN[c];
            std[c] = (float) ColourSpace.IMAGENET_STD[c];
        }
        NDArray m = x.getManager().create(mean, new ai.djl.ndarray.types.Shape(1, 3, 1, 1));
        NDArray s = x.getManager().create(std, new ai.djl.ndarray.types.Shape(1, 3, 1, 1));
        return x.mul(s).add(m);
    }
}
