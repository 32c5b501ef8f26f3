package io.neurowatch.analyzers.dora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.neurowatch.analyzers.featureviz.ColourSpace;
import io.neurowatch.analyzers.featureviz.LayerFunction;
import io.neurowatch.analyzers.featureviz.RenderImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The s-AMS of one generation key on disk: {@code <root>/<key>/} holds {@code config.txt} (the parameters the key
 * hashes) and per task {@code {neuron}_{sample}{sign}.f32} (CHW float32 little endian, lossless) plus a PNG of it
 * for people. Each file is written to a temp name and renamed, so a crash never leaves a half signal behind.
 */
public final class SignalSet {
    private final Path dir;
    private final SamsConfig config;

    private SignalSet(Path dir, SamsConfig config) {
        this.dir = dir;
        this.config = config;
    }

    /** Opens (creating if needed) the directory of {@code config}'s key under {@code root}. */
    public static SignalSet open(Path root, SamsConfig config) throws IOException {
        Path dir = root.resolve(config.cacheKey());
        Files.createDirectories(dir);
        Path cfg = dir.resolve("config.txt");
        if (!Files.exists(cfg)) {
            Files.writeString(cfg, config + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        return new SignalSet(dir, config);
    }

    public Path directory() {
        return dir;
    }

    public SamsConfig config() {
        return config;
    }

    public List<SamsTask> tasks() {
        return SamsTask.all(config);
    }

    public boolean contains(SamsTask t) {
        return Files.exists(dir.resolve(t.name() + ".f32"));
    }

    public Path png(SamsTask t) {
        return dir.resolve(t.name() + ".png");
    }

    void store(SamsTask t, float[] chw) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(chw.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(chw);
        write(dir.resolve(t.name() + ".f32"), buf.array());
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(RenderImages.toImage(chw, config.render().height(), config.render().width()), "png", png);
        write(png(t), png.toByteArray());
    }

    private static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The stored image of a task, CHW in [0,1].
     *
     * @throws IOException naming the file if it is missing or has the wrong size
     */
    public float[] image(SamsTask t) throws IOException {
        Path f = dir.resolve(t.name() + ".f32");
        byte[] bytes = Files.readAllBytes(f);
        int expected = 3 * config.render().height() * config.render().width();
        if (bytes.length != expected * 4) {
            throw new IOException(f + ": " + bytes.length + " bytes, expected " + expected * 4 + " (3x"
                    + config.render().height() + "x" + config.render().width() + " float32)");
        }
        float[] out = new float[expected];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        if (config.jpegRoundtrip()) {
            out = jpegRoundtrip(out, config.render().height(), config.render().width());
        }
        return out;
    }

    /** The reference's encoding input (quirk D6): floor(255·x), JPEG at quality 75, decoded back to [0,1]. */
    static float[] jpegRoundtrip(float[] chw, int h, int w) throws IOException {
        BufferedImage img = RenderImages.toImage(chw, h, w);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.75f);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
        float[] out = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = back.getRGB(x, y);
                out[y * w + x] = ((rgb >> 16) & 0xFF) / 255f;
                out[h * w + y * w + x] = ((rgb >> 8) & 0xFF) / 255f;
                out[2 * h * w + y * w + x] = (rgb & 0xFF) / 255f;
            }
        }
        return out;
    }

    /**
     * Feeds every signal through {@code model} once, untransformed and ImageNet-normalised (dora.md §3.4), and
     * returns A⁺ (and A⁻): {@code A[i][j][s]} = activation of neuron j (of the list) on signal s of neuron i,
     * spatially averaged.
     */
    public SignalEncodings encode(LayerFunction model, NDManager manager, int batch) throws IOException {
        List<Integer> neurons = config.neurons();
        int k = neurons.size();
        int n = config.samples();
        int h = config.render().height();
        int w = config.render().width();
        double[] plus = new double[k * k * n];
        double[] minus = config.onlyMaximization() ? null : new double[k * k * n];
        List<SamsTask> tasks = tasks();
        for (int from = 0; from < tasks.size(); from += batch) {
            List<SamsTask> part = tasks.subList(from, Math.min(tasks.size(), from + batch));
            float[] input = new float[part.size() * 3 * h * w];
            for (int b = 0; b < part.size(); b++) {
                float[] img = image(part.get(b));
                for (int c = 0; c < 3; c++) {
                    for (int p = 0; p < h * w; p++) {
                        input[(b * 3 + c) * h * w + p] = (float) ((img[c * h * w + p] - ColourSpace.IMAGENET_MEAN[c])
                                / ColourSpace.IMAGENET_STD[c]);
                    }
                }
            }
            try (NDManager sm = manager.newSubManager()) {
                NDArray x = sm.create(input, new Shape(part.size(), 3, h, w));
                NDList outs = model.forward(x);
                NDArray layer = outs.get(config.layer());
                // PyTorch's DJL mean takes one axis at a time: flatten the map, then average it.
                NDArray pooled = layer.getShape().dimension() == 4
                        ? layer.reshape(layer.getShape().get(0), layer.getShape().get(1), -1).mean(new int[] {2})
                        : layer;
                float[] values = pooled.toFloatArray();
                int width = (int) pooled.getShape().get(1);
                for (int b = 0; b < part.size(); b++) {
                    SamsTask t = part.get(b);
                    double[] target = t.sign() == '+' ? plus : minus;
                    for (int j = 0; j < k; j++) {
                        int col = neurons.get(j);
                        if (col >= width) {
                            throw new IllegalArgumentException("neuron " + col + " is outside layer "
                                    + config.layer() + " of width " + width);
                        }
                        target[(t.position() * k + j) * n + t.sample()] = values[b * width + col];
                    }
                }
            }
        }
        return new SignalEncodings(plus, minus, k, n);
    }
}
