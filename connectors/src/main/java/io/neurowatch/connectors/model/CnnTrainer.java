package io.neurowatch.connectors.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a classifier {@link TappedModel} (its first output = logits) from plain arrays: Adam, softmax cross-entropy,
 * shuffled mini-batches. Takes floats and int labels so that callers bring their own data (ops wires the procedural
 * images into it). Blocking; one training at a time per JVM (DJL's PyTorch gradient collector is global).
 */
public final class CnnTrainer {
    private CnnTrainer() {
    }

    /**
     * @param epochs passes over the data
     * @param batchSize samples per step (the last batch of an epoch may be smaller)
     * @param learningRate Adam's step size
     * @param seed shuffling seed
     */
    public record Params(int epochs, int batchSize, float learningRate, long seed) {
        public Params {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("need epochs >= 1, batch size >= 1, learning rate > 0; got "
                        + epochs + ", " + batchSize + ", " + learningRate);
            }
        }

        /** 10 epochs of batches of 64 at learning rate 5e-3 (enough for the procedural images, see docs/models.md). */
        public static Params defaults(long seed) {
            return new Params(10, 64, 5e-3f, seed);
        }

        public Params withEpochs(int n) {
            return new Params(n, batchSize, learningRate, seed);
        }
    }

    /**
     * One epoch's figures, measured on the training batches as they were seen.
     *
     * @param loss mean cross-entropy
     * @param accuracy share of correctly classified training samples
     * @param seconds wall time of the epoch
     */
    public record EpochStats(int epoch, int epochs, int samples, double loss, double accuracy, double seconds) {
        public double samplesPerSecond() {
            return samples / Math.max(seconds, 1e-9);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "epoch %d/%d: loss %.4f, accuracy %.1f%%, %.0f images/s (%.1f s)", epoch,
                    epochs, loss, 100 * accuracy, samplesPerSecond(), seconds);
        }
    }

    /**
     * Trains {@code model} in place.
     *
     * @param images N samples of the model's input shape, row-major [N, C, H, W]
     * @param labels N class labels in [0, classes)
     * @param progress receives each epoch's figures as it ends
     * @return the figures of every epoch
     * @throws IllegalArgumentException if the model's input shape is unknown or the arrays do not match it
     */
    public static List<EpochStats> train(TappedModel model, float[] images, int[] labels, Params params,
                                         Consumer<EpochStats> progress) {
        int per = samplePixels(model, images, labels);
        int[] shape = model.inputShape();
        int n = labels.length;
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(params.learningRate())).build());
        List<EpochStats> history = new ArrayList<>();
        Random rnd = new Random(params.seed());
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        try (Trainer trainer = model.model().newTrainer(config)) {
            trainer.initialize(batchShape(1, shape));
            for (int epoch = 1; epoch <= params.epochs(); epoch++) {
                shuffle(order, rnd);
                long start = System.nanoTime();
                double lossSum = 0;
                long correct = 0;
                for (int from = 0; from < n; from += params.batchSize()) {
                    int b = Math.min(params.batchSize(), n - from);
                    float[] x = new float[b * per];
                    int[] y = new int[b];
                    for (int i = 0; i < b; i++) {
                        System.arraycopy(images, order[from + i] * per, x, i * per, per);
                        y[i] = labels[order[from + i]];
                    }
                    try (NDManager batch = model.manager().newSubManager()) {
                        NDArray input = batch.create(x, batchShape(b, shape));
                        NDArray target = batch.create(y);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray logits = trainer.forward(new NDList(input)).get(0);
                            NDArray loss = logits.logSoftmax(1).mul(target.oneHot((int) logits.getShape().get(1)))
                                    .sum(new int[] {1}).neg().mean();
                            collector.backward(loss);
                            lossSum += loss.getFloat() * b;
                            correct += logits.argMax(1).toType(DataType.INT32, false)
                                    .eq(target).sum().getLong();
                        }
                        trainer.step();
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                EpochStats stats = new EpochStats(epoch, params.epochs(), n, lossSum / n, (double) correct / n,
                        seconds);
                history.add(stats);
                if (progress != null) {
                    progress.accept(stats);
                }
            }
        }
        return history;
    }

    /** Share of {@code images} whose largest logit is at their label, evaluated in batches of {@code batchSize}. */
    public static double accuracy(TappedModel model, float[] images, int[] labels, int batchSize) {
        int per = samplePixels(model, images, labels);
        int[] shape = model.inputShape();
        long correct = 0;
        for (int from = 0; from < labels.length; from += batchSize) {
            int b = Math.min(batchSize, labels.length - from);
            float[] x = Arrays.copyOfRange(images, from * per, (from + b) * per);
            try (NDManager batch = model.manager().newSubManager()) {
                NDArray logits = model.forward(batch.create(x, batchShape(b, shape))).get(0);
                int[] predicted = logits.argMax(1).toType(DataType.INT32, false).toIntArray();
                for (int i = 0; i < b; i++) {
                    correct += predicted[i] == labels[from + i] ? 1 : 0;
                }
            }
        }
        return labels.length == 0 ? Double.NaN : (double) correct / labels.length;
    }

    private static int samplePixels(TappedModel model, float[] images, int[] labels) {
        int[] shape = Objects.requireNonNull(model.inputShape(), "the model's input shape is unknown");
        int per = 1;
        for (int d : shape) {
            per *= d;
        }
        if ((long) labels.length * per != images.length) {
            throw new IllegalArgumentException(images.length + " floats are not " + labels.length + " samples of "
                    + Arrays.toString(shape));
        }
        return per;
    }

    private static Shape batchShape(int b, int[] sample) {
        long[] dims = new long[sample.length + 1];
        dims[0] = b;
        for (int i = 0; i < sample.length; i++) {
            dims[i + 1] = sample[i];
        }
        return new Shape(dims);
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
