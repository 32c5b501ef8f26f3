package io.neurowatch.connectors.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.neurowatch.connectors.io.FileFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small CNN's taps, pooling, gradients and file round trip, on a real DJL model. */
class SmallCnnTest {
    private static final SmallCnn.Config CONFIG = SmallCnn.Config.of(3, 16, 16, 5);
    private static TappedModel model;
    private static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() {
        model = SmallCnn.create(CONFIG, 11);
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
        model.close();
    }

    private static NDArray randomInput(NDManager m, int b, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[b * 3 * 16 * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
        }
        return m.create(x, new Shape(b, 3, 16, 16));
    }

    @Test
    void forwardReturnsTheNamedTapsInOrder() {
        assertEquals(List.of("logits", "conv1", "conv2", "conv3", "pool"), model.outputs());
        assertArrayEquals(new int[] {3, 16, 16}, model.inputShape());
        try (NDManager batch = manager.newSubManager()) {
            NDList out = model.forward(randomInput(batch, 2, 1));
            assertEquals(new Shape(2, 5), out.get(0).getShape());
            assertEquals(new Shape(2, 16, 16, 16), model.output(out, "conv1").getShape());
            assertEquals(new Shape(2, 32, 8, 8), model.output(out, "conv2").getShape());
            assertEquals(new Shape(2, 64, 4, 4), model.output(out, "conv3").getShape());
            assertEquals(new Shape(2, 64), model.output(out, "pool").getShape());
            // conv3 is tapped after its ReLU
            assertTrue(model.output(out, "conv3").min().getFloat() >= 0);
        }
    }

    @Test
    void poolingReducesEveryPositionOfEachChannel() {
        try (NDManager batch = manager.newSubManager()) {
            NDArray x = randomInput(batch, 3, 2);
            NDList out = model.forward(x);
            float[] conv3 = model.output(out, "conv3").toFloatArray();
            float[] pool = model.output(out, "pool").toFloatArray();
            Map<String, float[][]> mean = model.activations(x, List.of("conv3", "pool"), Pooling.MEAN);
            Map<String, float[][]> max = model.activations(x, List.of("conv3"), Pooling.MAX);
            assertEquals(List.of("conv3", "pool"), List.copyOf(mean.keySet()));
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 64; c++) {
                    double sum = 0;
                    float top = Float.NEGATIVE_INFINITY;
                    for (int p = 0; p < 16; p++) {
                        float v = conv3[(b * 64 + c) * 16 + p];
                        sum += v;
                        top = Math.max(top, v);
                    }
                    assertEquals(sum / 16, mean.get("conv3")[b][c], 1e-5, "mean b=" + b + " c=" + c);
                    assertEquals(top, max.get("conv3")[b][c], 0f, "max b=" + b + " c=" + c);
                    // The global-average "pool" tap is conv3's mean, and [B, K] passes through pooling unchanged.
                    assertEquals(pool[b * 64 + c], mean.get("conv3")[b][c], 1e-5);
                    assertEquals(pool[b * 64 + c], mean.get("pool")[b][c], 0f);
                }
            }
        }
    }

    @Test
    void activationsLeaveNothingBehindInTheCallersManager() {
        try (NDManager batch = manager.newSubManager()) {
            NDArray x = randomInput(batch, 2, 3);
            int before = batch.getManagedArrays().size();
            model.activations(x, List.of("conv1", "logits"), Pooling.MAX);
            assertEquals(before, batch.getManagedArrays().size());
            assertTrue(batch.getManagedArrays().contains(x), "the input goes back to its manager");
            assertEquals(new Shape(2, 3, 16, 16), x.getShape());
        }
    }

    @Test
    void gradientsFlowToTheInputOnlyInsideAGradientCollector() {
        try (NDManager batch = manager.newSubManager()) {
            NDArray x = randomInput(batch, 1, 4);
            assertFalse(model.output(model.forward(x), "conv3").hasGradient(), "no graph outside a collector");
            x.setRequiresGradient(true);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray channel = model.output(model.forward(x), "conv3").get(":, 5").mean();
                collector.backward(channel);
            }
            NDArray grad = x.getGradient();
            assertEquals(x.getShape(), grad.getShape());
            assertTrue(grad.abs().sum().getFloat() > 0, "the channel mean depends on the input");
        }
    }

    @Test
    void savedModelLoadsWithIdenticalOutputs() throws Exception {
        Path file = dir.resolve("cnn.nwcnn");
        SmallCnn.save(model, file);
        assertTrue(SmallCnn.isSmallCnnFile(file));
        try (TappedModel loaded = SmallCnn.load(file); NDManager batch = manager.newSubManager()) {
            assertEquals(CONFIG, SmallCnn.config(loaded));
            assertEquals(model.outputs(), loaded.outputs());
            NDArray x = randomInput(batch, 2, 5);
            Map<String, float[][]> a = model.activations(x, model.outputs(), Pooling.MEAN);
            Map<String, float[][]> b = loaded.activations(x, model.outputs(), Pooling.MEAN);
            for (String layer : model.outputs()) {
                assertTrue(Arrays.deepEquals(a.get(layer), b.get(layer)), layer);
            }
        }
        try (TappedModel other = SmallCnn.create(CONFIG, 12); NDManager batch = manager.newSubManager()) {
            NDArray x = randomInput(batch, 1, 6);
            assertNotEquals(model.activations(x, List.of("pool"), Pooling.MEAN).get("pool")[0][0],
                    other.activations(x, List.of("pool"), Pooling.MEAN).get("pool")[0][0], "seeds differ");
        }
    }

    @Test
    void badFilesAreReportedWithTheirName() throws Exception {
        Path junk = dir.resolve("junk.bin");
        Files.write(junk, "PK\3\4 not a model".getBytes());
        FileFormatException e = assertThrows(FileFormatException.class, () -> SmallCnn.load(junk));
        assertTrue(e.getMessage().startsWith(junk.toString()) && e.getMessage().contains("NWCNN"), e.getMessage());
        assertFalse(SmallCnn.isSmallCnnFile(junk));

        Path good = dir.resolve("good.nwcnn");
        SmallCnn.save(model, good);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.nwcnn");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        e = assertThrows(FileFormatException.class, () -> SmallCnn.load(truncated));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        byte[] future = bytes.clone();
        future[5] = 9;
        Path version = dir.resolve("future.nwcnn");
        Files.write(version, future);
        e = assertThrows(FileFormatException.class, () -> SmallCnn.load(version));
        assertTrue(e.getMessage().contains("version 9 at offset 5"), e.getMessage());
    }

    @Test
    void tapNamesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> SmallCnn.block(CONFIG).tap("conv9"));
        assertThrows(IllegalArgumentException.class, () -> SmallCnn.block(CONFIG).tap("conv1", "conv1"));
        assertThrows(IllegalArgumentException.class, () -> new TapBlock().add("a", x -> x).add("a", x -> x));
        assertEquals(List.of("logits", "conv2"), SmallCnn.block(CONFIG).tap("conv2", "logits").outputNames());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.activations(randomInput(manager, 1, 7), List.of("fc7"), Pooling.MEAN));
        assertTrue(e.getMessage().contains("fc7") && e.getMessage().contains("conv3"), e.getMessage());
    }
}
