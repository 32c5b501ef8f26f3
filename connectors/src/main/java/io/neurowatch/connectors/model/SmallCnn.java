package io.neurowatch.connectors.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.neurowatch.connectors.io.AtomicFiles;
import io.neurowatch.connectors.io.FileFormatException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A small CNN with named taps, built with DJL, for experiments with known ground truth (planted artifacts):
 * <pre>
 *   conv1: conv 3×3 (C → c1) + ReLU     pool1: max 2×2
 *   conv2: conv 3×3 (c1 → c2) + ReLU    pool2: max 2×2
 *   conv3: conv 3×3 (c2 → c3) + ReLU    pool: global average [B, c3]     logits: linear [B, classes]
 * </pre>
 * Outputs of the {@link TappedModel}: {@code logits}, {@code conv1}, {@code conv2}, {@code conv3}, {@code pool}
 * (convolutions padded, so conv3 is [B, c3, H/4, W/4]).
 *
 * <p>File format ({@link #save}): the 6 bytes {@code "NWCNN" 0x01}, the seven {@link Config} ints (big-endian), then
 * DJL's block parameter encoding. Stateless.
 */
public final class SmallCnn {
    /** {@code --arch} name. */
    public static final String ARCH = "small-cnn";
    /** Tapped layers, in output order after {@code logits}. */
    public static final List<String> TAPS = List.of("conv1", "conv2", "conv3", "pool");

    private static final byte[] MAGIC = {'N', 'W', 'C', 'N', 'N', 1};
    private static final String CONFIG_PROPERTY = "neurowatch.small-cnn.config";

    private SmallCnn() {
    }

    /**
     * Architecture.
     *
     * @param channels input channels C
     * @param height input height (≥ 4)
     * @param width input width (≥ 4)
     * @param classes output classes
     * @param conv1 channels of conv1; likewise conv2, conv3
     */
    public record Config(int channels, int height, int width, int classes, int conv1, int conv2, int conv3) {
        public Config {
            if (channels < 1 || height < 4 || width < 4 || classes < 2 || conv1 < 1 || conv2 < 1 || conv3 < 1) {
                throw new IllegalArgumentException("invalid small CNN: channels " + channels + ", input " + height
                        + "x" + width + ", classes " + classes + ", widths " + conv1 + "/" + conv2 + "/" + conv3
                        + " (need C >= 1, H, W >= 4, classes >= 2, widths >= 1)");
            }
        }

        /** Widths 16, 32, 64. */
        public static Config of(int channels, int height, int width, int classes) {
            return new Config(channels, height, width, classes, 16, 32, 64);
        }

        /** [C, H, W] of one input sample. */
        public int[] inputShape() {
            return new int[] {channels, height, width};
        }

        int[] toArray() {
            return new int[] {channels, height, width, classes, conv1, conv2, conv3};
        }
    }

    /** An uninitialized block of this architecture. */
    public static TapBlock block(Config c) {
        return new TapBlock()
                .add("conv1", convRelu(c.conv1()))
                .add("pool1", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add("conv2", convRelu(c.conv2()))
                .add("pool2", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add("conv3", convRelu(c.conv3()))
                .add("pool", Pool.globalAvgPool2dBlock())
                .add("logits", Linear.builder().setUnits(c.classes()).build())
                .tap(TAPS.toArray(String[]::new));
    }

    /**
     * A freshly initialized model (He-normal weights, zero biases) drawn from {@code seed}. Sets the PyTorch engine's
     * global random seed.
     */
    public static TappedModel create(Config c, long seed) {
        Engine.getEngine("PyTorch").setRandomSeed(Long.hashCode(seed));
        Model model = Model.newInstance(ARCH, "PyTorch");
        try {
            TapBlock block = block(c);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32,
                    new Shape(1, c.channels(), c.height(), c.width()));
            return wrap(model, c);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The configuration of a model made by {@link #create} or {@link #load}.
     *
     * @throws IllegalArgumentException if {@code model} is not a small CNN
     */
    public static Config config(TappedModel model) {
        String s = model.model().getProperty(CONFIG_PROPERTY);
        if (s == null) {
            throw new IllegalArgumentException("model '" + model.model().getName() + "' is not a " + ARCH);
        }
        int[] v = Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
        return new Config(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }

    /** Writes the model's configuration and parameters to {@code file} atomically (replacing it). */
    public static void save(TappedModel model, Path file) throws IOException {
        Config c = config(model);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            for (int v : c.toArray()) {
                out.writeInt(v);
            }
            model.model().getBlock().saveParameters(out);
        }
        AtomicFiles.writeAtomically(file, bytes.toByteArray());
    }

    /** Whether {@code file} starts like a {@link #save}d model. */
    public static boolean isSmallCnnFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(MAGIC.length - 1), Arrays.copyOf(MAGIC, MAGIC.length - 1));
        }
    }

    /**
     * Reads a model written by {@link #save}.
     *
     * @throws FileFormatException naming the file if it is not such a model, of an unknown version, or truncated
     */
    public static TappedModel load(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (magic.length < MAGIC.length - 1
                    || !Arrays.equals(Arrays.copyOf(magic, MAGIC.length - 1), Arrays.copyOf(MAGIC, MAGIC.length - 1))) {
                throw new FileFormatException(file, "not a " + ARCH + " model: it does not start with \"NWCNN\" (got \""
                        + new String(magic, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?") + "\")");
            }
            if (magic.length < MAGIC.length || magic[MAGIC.length - 1] != MAGIC[MAGIC.length - 1]) {
                throw new FileFormatException(file, "unsupported " + ARCH + " file version "
                        + (magic.length < MAGIC.length ? "(missing)" : magic[MAGIC.length - 1]) + " at offset 5; "
                        + "this build reads version " + MAGIC[MAGIC.length - 1]);
            }
            int[] v = new int[7];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.readInt();
            }
            Config c;
            try {
                c = new Config(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
            } catch (IllegalArgumentException e) {
                throw new FileFormatException(file, "bad configuration at offset 6: " + e.getMessage());
            }
            Model model = Model.newInstance(ARCH, "PyTorch");
            try {
                TapBlock block = block(c);
                model.setBlock(block);
                block.loadParameters(model.getNDManager(), in);
                if (in.read() != -1) {
                    throw new FileFormatException(file, "trailing bytes after the parameters");
                }
                return wrap(model, c);
            } catch (MalformedModelException e) {
                model.close();
                throw new FileFormatException(file, "parameters do not fit a " + ARCH + " " + c + ": "
                        + e.getMessage(), e);
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
        } catch (EOFException e) {
            throw new FileFormatException(file, "truncated " + ARCH + " file", e);
        }
    }

    private static TappedModel wrap(Model model, Config c) {
        model.setProperty(CONFIG_PROPERTY, Arrays.stream(c.toArray()).mapToObj(Integer::toString)
                .reduce((a, b) -> a + "," + b).orElseThrow());
        return TappedModel.of(model, c.inputShape());
    }

    private static SequentialBlock convRelu(int filters) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .setFilters(filters).build())
                .add(Activation.reluBlock());
    }
}
