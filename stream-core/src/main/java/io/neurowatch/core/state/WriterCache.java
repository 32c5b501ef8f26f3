package io.neurowatch.core.state;

import java.util.HashMap;
import java.util.Map;

/**
 * The writer's heap copies of the sketches, histograms and bin edges it updates, so that an apply reads each key
 * from RocksDB once per bucket rather than once per batch. Every apply writes the serialized state of what it
 * touched, so dropping entries is always safe; keeping them only saves reads.
 *
 * <p>Keeps the two newest buckets (samples straddling an hour boundary or arriving a little late do not thrash)
 * and every neuron's edges (immutable, a few hundred bytes each). Not thread-safe: guarded by the store's writer
 * lock.
 */
final class WriterCache {
    record NeuronKey(String model, String layer, int neuron) {
    }

    record SketchKey(long bucket, String model, String layer, int neuron) {
    }

    record HistogramKey(long bucket, String model, String layer, int neuron, String concept) {
    }

    final Map<NeuronKey, BinEdges> edges = new HashMap<>();
    final Map<SketchKey, NeuronSketch> sketches = new HashMap<>();
    final Map<HistogramKey, ConceptHistogram> histograms = new HashMap<>();
    private long newestBucket = Long.MIN_VALUE;

    /** Records that {@code bucket} was written and evicts buckets older than the two newest. */
    void written(long bucket) {
        if (bucket > newestBucket) {
            newestBucket = bucket;
            evictBucketsBefore(bucket - 1);
        }
    }

    void evictBucketsBefore(long bucket) {
        sketches.keySet().removeIf(k -> k.bucket() < bucket);
        histograms.keySet().removeIf(k -> k.bucket() < bucket);
    }

    void evictLayer(String model, String layer) {
        edges.keySet().removeIf(k -> k.model().equals(model) && k.layer().equals(layer));
        sketches.keySet().removeIf(k -> k.model().equals(model) && k.layer().equals(layer));
        histograms.keySet().removeIf(k -> k.model().equals(model) && k.layer().equals(layer));
    }

    /** After a failed write: the entries may hold changes that never reached RocksDB. */
    void clear() {
        edges.clear();
        sketches.clear();
        histograms.clear();
        newestBucket = Long.MIN_VALUE;
    }
}
