package io.neurowatch.ops.stream;

import io.neurowatch.core.wire.ActivationBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the stream delivered per layer since this process started: model version, D, samples, the time of the last
 * batch, and each neuron's top-activating sample ids. The statistics store keeps distributions but not which sample
 * produced a value, and not when a layer was last seen; the dashboard needs both.
 *
 * <p>{@link #record} is called by the single writer thread; readers on other threads get copies. Memory is
 * {@code O(layers · D · topK)}, independent of the stream length. Nothing survives a restart.
 */
public final class LayerActivity {
    /** One layer as last seen. {@code version} is the model version of the newest batch (possibly empty). */
    public record Seen(String model, String version, String layer, int features, long samples, long lastBatchMillis) {
    }

    /** A sample and the activation it produced. */
    public record TopSample(long sampleId, float activation) {
    }

    private final int topK;
    private final Map<String, Layer> layers = new ConcurrentHashMap<>();

    /** @param topK sample ids kept per neuron (0 keeps none) */
    public LayerActivity(int topK) {
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0: " + topK);
        }
        this.topK = topK;
    }

    /**
     * Notes an archived batch; {@code rows} are its activations, one array per sample (read, not kept), and
     * {@code nowMillis} is its arrival time.
     */
    public void record(ActivationBatch b, float[][] rows, long nowMillis) {
        Layer layer = layers.compute(b.key(), (k, old) ->
                old != null && old.features == b.features() ? old : new Layer(b.modelId(), b.layer(), b.features(),
                        topK));
        synchronized (layer) {
            layer.version = b.modelVersion();
            layer.samples += b.batchSize();
            layer.lastBatchMillis = nowMillis;
            if (topK > 0) {
                layer.offer(b, rows);
            }
        }
    }

    /** Every layer seen, in no particular order. */
    public List<Seen> layers() {
        List<Seen> out = new ArrayList<>();
        for (Layer l : layers.values()) {
            synchronized (l) {
                out.add(new Seen(l.model, l.version, l.layer, l.features, l.samples, l.lastBatchMillis));
            }
        }
        return out;
    }

    /** The top samples of a neuron, highest activation first; empty for an unknown layer or neuron. */
    public List<TopSample> top(String model, String layer, int neuron) {
        Layer l = layers.get(model + "/" + layer);
        if (l == null || neuron < 0 || neuron >= l.features) {
            return List.of();
        }
        synchronized (l) {
            List<TopSample> out = new ArrayList<>(l.size[neuron]);
            for (int i = 0; i < l.size[neuron]; i++) {
                out.add(new TopSample(l.ids[neuron][i], l.values[neuron][i]));
            }
            return out;
        }
    }

    /**
     * Per neuron a descending array of the best values so far. A new value costs one comparison against
     * {@code entry[j]} unless it enters: that array is contiguous, where {@code values[j][k - 1]} would cost a
     * pointer chase per neuron and sample.
     */
    private static final class Layer {
        final String model;
        final String layer;
        final int features;
        final float[][] values;
        final long[][] ids;
        final int[] size;
        /** The value a new one must exceed to enter neuron j's list: its k-th value, or -Inf while not full. */
        final float[] entry;
        String version = "";
        long samples;
        long lastBatchMillis;

        Layer(String model, String layer, int features, int topK) {
            this.model = model;
            this.layer = layer;
            this.features = features;
            this.values = new float[features][topK];
            this.ids = new long[features][topK];
            this.size = new int[features];
            this.entry = new float[features];
            java.util.Arrays.fill(entry, Float.NEGATIVE_INFINITY);
        }

        void offer(ActivationBatch b, float[][] rows) {
            int k = values.length == 0 ? 0 : values[0].length;
            for (int row = 0; row < rows.length; row++) {
                float[] r = rows[row];
                for (int j = 0; j < features; j++) {
                    float v = r[j];
                    if (!(v > entry[j])) {
                        continue;
                    }
                    long id = b.sampleId(row);
                    int n = size[j];
                    // Ties keep the earlier sample: strictly greater values move ahead.
                    int at = n == k ? k - 1 : n;
                    while (at > 0 && v > values[j][at - 1]) {
                        values[j][at] = values[j][at - 1];
                        ids[j][at] = ids[j][at - 1];
                        at--;
                    }
                    values[j][at] = v;
                    ids[j][at] = id;
                    if (n < k) {
                        size[j] = n + 1;
                    }
                    if (size[j] == k) {
                        entry[j] = values[j][k - 1];
                    }
                }
            }
        }
    }
}
