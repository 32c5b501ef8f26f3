package io.neurowatch.analyzers.synthetic;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.neurowatch.analyzers.invert.Auroc;
import io.neurowatch.connectors.model.CnnTrainer;
import io.neurowatch.connectors.model.ImageBatch;
import io.neurowatch.connectors.model.Pooling;
import io.neurowatch.connectors.model.SmallCnn;
import io.neurowatch.connectors.model.TappedModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ground truth that DORA and the streaming alerts build on: a small CNN trained on procedural images with the
 * watermark planted on 30 % of one class grows a channel that tells stamped from clean held-out images; trained on
 * clean images it does not. Real DJL training, about 10 s per model on 2 cores.
 */
class PlantedArtifactTest {
    private static final int TRAIN = 4000;
    private static final int HELD_OUT = 600;

    /**
     * What one trained model shows on held-out images and their stamped copies.
     *
     * @param pool best AUROC (stamped = positive) of a channel of the global-average "pool" tap
     * @param conv3Max best AUROC of a "conv3" channel pooled by its maximum
     */
    record Outcome(long seed, double fraction, double seconds, double accuracy, double stampedAccuracy,
                   double pool, int poolChannel, double conv3Max, int conv3Channel) {
    }

    static Outcome run(long seed, double fraction) {
        ProceduralImages gen = new ProceduralImages(ProceduralImages.Params.defaults().withArtifactFraction(fraction));
        ImageSet train = gen.generate(seed, TRAIN);
        ImageSet clean = gen.generate(seed + 1000, HELD_OUT, 0);
        ImageSet stamped = gen.stampAll(clean, seed + 2000);
        try (TappedModel model = SmallCnn.create(SmallCnn.Config.of(3, 32, 32, 5), seed)) {
            long start = System.nanoTime();
            CnnTrainer.train(model, train.pixels(), train.classLabels(), CnnTrainer.Params.defaults(seed),
                    s -> System.out.println("  seed " + seed + " fraction " + fraction + " " + s));
            double seconds = (System.nanoTime() - start) / 1e9;
            float[][] cleanPool = activations(model, clean, "pool", Pooling.MEAN);
            float[][] stampedPool = activations(model, stamped, "pool", Pooling.MEAN);
            float[][] cleanMax = activations(model, clean, "conv3", Pooling.MAX);
            float[][] stampedMax = activations(model, stamped, "conv3", Pooling.MAX);
            double[] pool = bestChannel(cleanPool, stampedPool);
            double[] max = bestChannel(cleanMax, stampedMax);
            Outcome o = new Outcome(seed, fraction, seconds,
                    CnnTrainer.accuracy(model, clean.pixels(), clean.classLabels(), 200),
                    CnnTrainer.accuracy(model, stamped.pixels(), stamped.classLabels(), 200),
                    pool[0], (int) pool[1], max[0], (int) max[1]);
            System.out.println(o);
            return o;
        }
    }

    private static float[][] activations(TappedModel model, ImageSet set, String layer, Pooling pooling) {
        float[] px = set.pixels();
        int per = 3 * 32 * 32;
        float[][] rows = new float[set.size()][];
        for (int from = 0; from < set.size(); from += 200) {
            int b = Math.min(200, set.size() - from);
            ImageBatch batch = new ImageBatch(new long[b], new String[b], Arrays.copyOfRange(px, from * per,
                    (from + b) * per), 3, 32, 32);
            try (NDManager m = model.manager().newSubManager()) {
                Map<String, float[][]> a = model.activations(batch.toNDArray(m), List.of(layer), pooling);
                System.arraycopy(a.get(layer), 0, rows, from, b);
            }
        }
        return rows;
    }

    /** {best AUROC, its channel} over channels, stamped copies positive. */
    private static double[] bestChannel(float[][] clean, float[][] stamped) {
        int n = clean.length;
        double[] best = {0, -1};
        for (int c = 0; c < clean[0].length; c++) {
            double[] scores = new double[2 * n];
            boolean[] positive = new boolean[2 * n];
            for (int i = 0; i < n; i++) {
                scores[i] = clean[i][c];
                scores[n + i] = stamped[i][c];
                positive[n + i] = true;
            }
            double auroc = Auroc.of(scores, positive);
            if (auroc > best[0]) {
                best = new double[] {auroc, c};
            }
        }
        return best;
    }

    @Test
    void watermarkOnAThirdOfOneClassGrowsADetectorChannel() {
        for (long seed : new long[] {1, 2}) {
            Outcome o = run(seed, 0.3);
            assertTrue(o.accuracy() > 0.9, "the model learned the shapes: " + o);
            assertTrue(o.pool() >= 0.9, "a pool channel separates stamped from clean: " + o);
            assertTrue(o.conv3Max() >= 0.95, "a conv3 channel fires on the glyph: " + o);
            assertTrue(o.stampedAccuracy() < o.accuracy() - 0.2, "the glyph is a shortcut to class 0: " + o);
            assertTrue(o.seconds() < 60, "training is meant to take ~10 s: " + o);
        }
    }

    @Test
    void cleanTrainingGrowsNoSuchChannel() {
        Outcome o = run(1, 0);
        assertTrue(o.accuracy() > 0.9, "the model learned the shapes: " + o);
        assertTrue(o.pool() < 0.85, "no pool channel separates stamped from clean: " + o);
        assertTrue(o.conv3Max() < 0.85, "no conv3 channel fires on the glyph: " + o);
        assertTrue(Math.abs(o.stampedAccuracy() - o.accuracy()) < 0.05, "the glyph does not sway the model: " + o);
    }
}
