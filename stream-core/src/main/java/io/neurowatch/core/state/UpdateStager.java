package io.neurowatch.core.state;

import io.neurowatch.core.state.WriterCache.HistogramKey;
import io.neurowatch.core.state.WriterCache.NeuronKey;
import io.neurowatch.core.state.WriterCache.SketchKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Turns a {@link StatisticsUpdate} into puts and merges of one {@link WriteBatch}: read-modify-write of the
 * touched sketches and histograms through the {@link WriterCache}, uint64add merges for counters, bin edges for
 * neurons seen for the first time, and markers for new buckets.
 *
 * <p>Reads go to the DB without a snapshot: the caller holds the writer lock, so the DB holds exactly the
 * previous applies. Not thread-safe.
 */
final class UpdateStager {
    private static final byte[] EMPTY = new byte[0];

    private final RocksDB db;
    private final Families cf;
    private final StatisticsStoreConfig config;
    private final WriterCache cache;
    private final NavigableSet<Long> knownBuckets;
    private final String storePath;

    UpdateStager(RocksDB db, Families cf, StatisticsStoreConfig config, WriterCache cache,
            NavigableSet<Long> knownBuckets, String storePath) {
        this.db = db;
        this.cf = cf;
        this.config = config;
        this.cache = cache;
        this.knownBuckets = knownBuckets;
        this.storePath = storePath;
    }

    /**
     * What a staged update touched.
     *
     * @param newBuckets buckets used for the first time (their markers are staged too)
     * @param newestBucket the newest bucket written, {@code Long.MIN_VALUE} if none
     */
    record Staged(NavigableSet<Long> newBuckets, long newestBucket) {
    }

    /**
     * Stages every batch of {@code update} into {@code batch}, mutating cached objects in place. Evicts nothing:
     * an entry evicted mid-update and reloaded would lose the changes staged before.
     */
    Staged stage(StatisticsUpdate update, WriteBatch batch) throws RocksDBException {
        NavigableSet<Long> newBuckets = new TreeSet<>();
        long newestBucket = Long.MIN_VALUE;
        // Insertion-ordered so that the batch writes keys in a reproducible order.
        Map<SketchKey, NeuronSketch> dirtySketches = new LinkedHashMap<>();
        Map<HistogramKey, ConceptHistogram> dirtyHistograms = new LinkedHashMap<>();
        for (LayerBatch lb : update.batches()) {
            if (lb.rows() == 0) {
                continue;
            }
            Map<Long, int[]> rowsByBucket = rowsByBucket(lb);
            for (long bucket : rowsByBucket.keySet()) {
                newestBucket = Math.max(newestBucket, bucket);
                if (!knownBuckets.contains(bucket) && newBuckets.add(bucket)) {
                    batch.put(cf.meta(), KeyCodec.metaBucket(bucket), EMPTY);
                }
            }
            stageCounters(lb, rowsByBucket, batch);
            stageNeurons(lb, rowsByBucket, batch, dirtySketches, dirtyHistograms);
        }
        for (Map.Entry<SketchKey, NeuronSketch> e : dirtySketches.entrySet()) {
            SketchKey k = e.getKey();
            batch.put(cf.sketches(), KeyCodec.sketch(k.bucket(), k.model(), k.layer(), k.neuron()),
                    e.getValue().toBytes());
        }
        for (Map.Entry<HistogramKey, ConceptHistogram> e : dirtyHistograms.entrySet()) {
            HistogramKey k = e.getKey();
            batch.put(cf.histograms(), KeyCodec.histogram(k.bucket(), k.model(), k.layer(), k.neuron(), k.concept()),
                    e.getValue().toBytes());
        }
        return new Staged(newBuckets, newestBucket);
    }

    private Map<Long, int[]> rowsByBucket(LayerBatch lb) {
        Map<Long, List<Integer>> groups = new TreeMap<>();
        for (int r = 0; r < lb.rows(); r++) {
            long bucket = Math.floorDiv(lb.timestamp(r), config.bucketMillis());
            groups.computeIfAbsent(bucket, b -> new ArrayList<>()).add(r);
        }
        Map<Long, int[]> out = new TreeMap<>();
        groups.forEach((b, rows) -> out.put(b, rows.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    private void stageCounters(LayerBatch lb, Map<Long, int[]> rowsByBucket, WriteBatch batch)
            throws RocksDBException {
        List<String> concepts = lb.concepts();
        for (int c = 0; c < concepts.size(); c++) {
            batch.put(cf.catalog(), KeyCodec.catalogConcept(lb.model(), lb.layer(), concepts.get(c)), EMPTY);
            for (Map.Entry<Long, int[]> group : rowsByBucket.entrySet()) {
                long positives = 0;
                for (int r : group.getValue()) {
                    if (lb.label(r, c)) {
                        positives++;
                    }
                }
                long bucket = group.getKey();
                // Merges, not read-modify-write: RocksDB sums the operands, and they commit with the batch.
                batch.merge(cf.counters(), KeyCodec.counter(bucket, lb.model(), lb.layer(), concepts.get(c),
                        KeyCodec.COUNTER_SAMPLES), KeyCodec.uint64le(group.getValue().length));
                batch.merge(cf.counters(), KeyCodec.counter(bucket, lb.model(), lb.layer(), concepts.get(c),
                        KeyCodec.COUNTER_POSITIVES), KeyCodec.uint64le(positives));
            }
        }
    }

    private void stageNeurons(LayerBatch lb, Map<Long, int[]> rowsByBucket, WriteBatch batch,
            Map<SketchKey, NeuronSketch> dirtySketches, Map<HistogramKey, ConceptHistogram> dirtyHistograms)
            throws RocksDBException {
        int rows = lb.rows();
        float[] column = new float[rows];
        int[] bins = new int[rows];
        List<String> concepts = lb.concepts();
        for (int j = 0; j < lb.neurons(); j++) {
            for (int r = 0; r < rows; r++) {
                column[r] = lb.value(r, j);
            }
            BinEdges edges = edges(new NeuronKey(lb.model(), lb.layer(), j), column, batch);
            for (Map.Entry<Long, int[]> group : rowsByBucket.entrySet()) {
                long bucket = group.getKey();
                int[] groupRows = group.getValue();
                SketchKey sk = new SketchKey(bucket, lb.model(), lb.layer(), j);
                NeuronSketch sketch = sketch(sk);
                for (int r : groupRows) {
                    sketch.update(column[r]);
                }
                dirtySketches.put(sk, sketch);
                if (edges == null || concepts.isEmpty()) {
                    continue;
                }
                for (int r : groupRows) {
                    bins[r] = edges.binOf(column[r]);
                }
                for (int c = 0; c < concepts.size(); c++) {
                    HistogramKey hk = new HistogramKey(bucket, lb.model(), lb.layer(), j, concepts.get(c));
                    ConceptHistogram h = histogram(hk, edges);
                    for (int r : groupRows) {
                        if (bins[r] >= 0) {
                            h.add(bins[r], lb.label(r, c));
                        }
                    }
                    dirtyHistograms.put(hk, h);
                }
            }
        }
    }

    /**
     * The neuron's edges; fixes them from {@code column} (this, its first batch) if it has none yet. An empty
     * catalog value means "seen, but only NaN so far".
     */
    private BinEdges edges(NeuronKey key, float[] column, WriteBatch batch) throws RocksDBException {
        BinEdges edges = cache.edges.get(key);
        if (edges != null) {
            return edges;
        }
        byte[] catalogKey = KeyCodec.catalogNeuron(key.model(), key.layer(), key.neuron());
        byte[] stored = db.get(cf.catalog(), catalogKey);
        if (stored != null && stored.length > 0) {
            edges = decode(stored, key, BinEdges::fromBytes, "bin edges");
        } else {
            edges = BinEdges.fromSample(column, config.histogramQuantiles());
            if (edges != null) {
                batch.put(cf.catalog(), catalogKey, edges.toBytes());
            } else if (stored == null) {
                batch.put(cf.catalog(), catalogKey, EMPTY);
            }
        }
        if (edges != null) {
            cache.edges.put(key, edges);
        }
        return edges;
    }

    private NeuronSketch sketch(SketchKey key) throws RocksDBException {
        NeuronSketch s = cache.sketches.get(key);
        if (s == null) {
            byte[] stored = db.get(cf.sketches(), KeyCodec.sketch(key.bucket(), key.model(), key.layer(),
                    key.neuron()));
            s = stored == null ? NeuronSketch.create(config.sketchK())
                    : decode(stored, key, NeuronSketch::fromBytes, "sketch");
            cache.sketches.put(key, s);
        }
        return s;
    }

    private ConceptHistogram histogram(HistogramKey key, BinEdges edges) throws RocksDBException {
        ConceptHistogram h = cache.histograms.get(key);
        if (h == null) {
            byte[] stored = db.get(cf.histograms(), KeyCodec.histogram(key.bucket(), key.model(), key.layer(),
                    key.neuron(), key.concept()));
            h = stored == null ? ConceptHistogram.create(edges.binCount())
                    : decode(stored, key, ConceptHistogram::fromBytes, "histogram");
            if (h.binCount() != edges.binCount()) {
                throw new StatisticsStoreException("Statistics store at " + storePath + " is inconsistent: histogram "
                        + key + " has " + h.binCount() + " bins, its neuron's edges make " + edges.binCount(), null);
            }
            cache.histograms.put(key, h);
        }
        return h;
    }

    private <T> T decode(byte[] bytes, Object key, Function<byte[], T> decoder, String what) {
        try {
            return decoder.apply(bytes);
        } catch (IllegalArgumentException e) {
            throw new StatisticsStoreException("Unreadable " + what + " " + key + " in statistics store at "
                    + storePath + ": " + e.getMessage(), e);
        }
    }
}
