package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The acceptance protocol of spec §8 on a fixed small convnet: after 200 steps the target channel's mean activation
 * exceeds its start value and the 99th percentile over a reference image set, for ≥ 90% of the channels tested
 * (twelve channels of the last layer, rendered in one batch at 32×32 with the default transforms).
 *
 * <p>The learning rate is 0.05 rather than the default 9e-3: on this random-weight model the default needs more
 * than 200 steps (8 of 12 channels pass at 200 steps, measured), because its channels answer most to high-contrast
 * texture that the 1/f^1.5 spectrum builds up slowly.
 */
class AcceptanceTest {
    private static final int SIZE = 32;
    private static final int[] CHANNELS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    private static final int LAYER = 1;

    @Test
    void renderedChannelsBeatTheirStartAndNoiseImages() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SequentialBlock net = TinyNets.convNet(manager, 2024);
            LayerFunction model = BlockLayers.sequentialTaps(net, 2, 4);
            List<Objective> objectives = new ArrayList<>();
            for (int c : CHANNELS) {
                objectives.add(Objectives.channel(LAYER, c));
            }
            RenderConfig config = RenderConfig.defaults(31).withSize(SIZE, SIZE).withIters(200).withLr(0.05);
            Renderer renderer = new Renderer(model);
            long t0 = System.nanoTime();
            List<Rendered> start = renderer.render(objectives, config.withIters(0));
            List<Rendered> end = renderer.render(objectives, config);
            double seconds = (System.nanoTime() - t0) / 1e9;

            double[][] reference = referenceActivations(manager, model);
            int passed = 0;
            StringBuilder report = new StringBuilder();
            for (int i = 0; i < CHANNELS.length; i++) {
                double before = -start.get(i).finalLoss();
                double after = -end.get(i).finalLoss();
                double p99 = NumpyPercentile99.of(reference[i]);
                boolean ok = after > before && after > p99;
                passed += ok ? 1 : 0;
                report.append(String.format("ch %d: start %.4f, final %.4f, noise p99 %.4f%s%n", CHANNELS[i], before,
                        after, p99, ok ? "" : "  FAIL"));
            }
            System.out.printf("acceptance (%d steps, %dx%d, %d channels, %.1f s):%n%s", config.iters(), SIZE, SIZE,
                    CHANNELS.length, seconds, report);
            assertTrue(passed >= Math.ceil(0.9 * CHANNELS.length), report.toString());
        }
    }

    /**
     * Channel means of the tapped layer on 150 reference images: 40 "dead leaves" images (occluding random discs and
     * rectangles, the classic model of natural-image statistics), 30 of uniform i.i.d. pixel noise, 30 smooth random
     * spectral images at three strengths, 30 of mild pixel noise (sd 0.05) around a random colour, and 20 flat
     * random colours. Rows: tested channels.
     */
    private static double[][] referenceActivations(NDManager manager, LayerFunction model) {
        Random rng = new Random(77);
        List<float[]> images = new ArrayList<>();
        int plane = SIZE * SIZE;
        for (int n = 0; n < 40; n++) {
            images.add(deadLeaves(rng));
        }
        for (int n = 0; n < 30; n++) {
            float[] x = new float[3 * plane];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextFloat();
            }
            images.add(x);
        }
        try (NDManager m = manager.newSubManager(); SpectralParametrization p = new SpectralParametrization(m, SIZE,
                SIZE)) {
            for (int n = 0; n < 30; n++) {
                double sd = new double[] {0.01, 0.05, 0.2}[n % 3];
                images.add(p.toImage(m.create(p.noise(rng, sd), p.parameterShape())).toFloatArray());
            }
        }
        for (int n = 0; n < 30; n++) {
            float[] x = new float[3 * plane];
            for (int c = 0; c < 3; c++) {
                double mean = 0.2 + 0.6 * rng.nextDouble();
                for (int i = 0; i < plane; i++) {
                    x[c * plane + i] = (float) Math.min(1, Math.max(0, mean + 0.05 * rng.nextGaussian()));
                }
            }
            images.add(x);
        }
        for (int n = 0; n < 20; n++) {
            float[] x = new float[3 * plane];
            for (int c = 0; c < 3; c++) {
                Arrays.fill(x, c * plane, (c + 1) * plane, rng.nextFloat());
            }
            images.add(x);
        }
        double[][] out = new double[CHANNELS.length][images.size()];
        try (NDManager m = manager.newSubManager()) {
            NDList batch = new NDList();
            for (float[] x : images) {
                batch.add(m.create(x, new Shape(1, 3, SIZE, SIZE)));
            }
            NDArray mean = m.create(new float[] {0.485f, 0.456f, 0.406f}, new Shape(1, 3, 1, 1));
            NDArray std = m.create(new float[] {0.229f, 0.224f, 0.225f}, new Shape(1, 3, 1, 1));
            NDArray input = NDArrays.concat(batch, 0).sub(mean).div(std);
            NDArray layer = model.forward(input).get(LAYER);
            float[] means = layer.mean(new int[] {3}).mean(new int[] {2}).toFloatArray();
            int channels = Math.toIntExact(layer.getShape().get(1));
            for (int i = 0; i < CHANNELS.length; i++) {
                for (int n = 0; n < images.size(); n++) {
                    out[i][n] = means[n * channels + CHANNELS[i]];
                }
            }
        }
        return out;
    }

    private static float[] deadLeaves(Random rng) {
        int plane = SIZE * SIZE;
        float[] x = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            Arrays.fill(x, c * plane, (c + 1) * plane, rng.nextFloat());
        }
        int shapes = 30 + rng.nextInt(30);
        for (int s = 0; s < shapes; s++) {
            float[] colour = {rng.nextFloat(), rng.nextFloat(), rng.nextFloat()};
            int cx = rng.nextInt(SIZE);
            int cy = rng.nextInt(SIZE);
            int r = 2 + rng.nextInt(10);
            boolean disc = rng.nextBoolean();
            for (int y = Math.max(0, cy - r); y < Math.min(SIZE, cy + r + 1); y++) {
                for (int xx = Math.max(0, cx - r); xx < Math.min(SIZE, cx + r + 1); xx++) {
                    if (!disc || (y - cy) * (y - cy) + (xx - cx) * (xx - cx) <= r * r) {
                        for (int c = 0; c < 3; c++) {
                            x[c * plane + y * SIZE + xx] = colour[c];
                        }
                    }
                }
            }
        }
        return x;
    }

    /** NumPy's default (linear) percentile at 99. */
    static final class NumpyPercentile99 {
        static double of(double[] values) {
            double[] v = values.clone();
            Arrays.sort(v);
            double pos = 0.99 * (v.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(v.length - 1, lo + 1);
            return v[lo] + (pos - lo) * (v[hi] - v[lo]);
        }
    }
}
