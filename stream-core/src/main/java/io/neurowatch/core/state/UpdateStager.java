package io.neurowatch.core.state;

import io.neurowatch.core.state.WriterCache.HistogramKey;
import io.neurowatch.core.state.WriterCache.NeuronKey;
import io.neurowatch.core.state.WriterCache.SketchKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Turns a {@link StatisticsUpdate} into puts and merges of one {@link WriteBatch}: read-modify-write of the
 * touched sketches and histograms through the {@link WriterCache}, uint64add merges for counters, bin edges for
 * neurons seen for the first time, and markers for new buckets.
 *
 * <p>Three phases. <b>Resolve</b>, on the calling thread: bucket markers, counters and bin edges are staged, and
 * every sketch and histogram the update touches is fetched through the cache (whose maps are not thread-safe)
 * into per-update arrays, in the order the batch will be written. <b>Update</b>, on up to
 * {@link StatisticsStoreConfig#stagingThreads()} threads: thread t takes the t-th contiguous range of every
 * layer's neurons, transposes those columns of each batch, feeds the sketches and histograms of its neurons
 * batch by batch and row by row, then serializes them. A sketch or histogram belongs to one neuron and so to one
 * thread, and receives the same values in the same order as on one thread. <b>Write</b>, on the calling thread:
 * the serialized values are put in resolve order.
 *
 * <p>So sketches, histograms, counters and edges are byte-identical for any thread count (the sketches are
 * deterministic and their bytes canonical).
 *
 * <p>Reads go to the DB without a snapshot: the caller holds the writer lock, so the DB holds exactly the
 * previous applies. Not thread-safe: one {@code stage} at a time.
 */
final class UpdateStager {
    private static final byte[] EMPTY = new byte[0];
    /** Neurons per tile of the transposition: 16 floats are one 64-byte cache line of a row. */
    private static final int TILE = 16;

    private final RocksDB db;
    private final Families cf;
    private final StatisticsStoreConfig config;
    private final WriterCache cache;
    private final NavigableSet<Long> knownBuckets;
    private final String storePath;
    /** {@code stagingThreads - 1} workers, the calling thread being the last; null for one thread. */
    private final ExecutorService workers;

    UpdateStager(RocksDB db, Families cf, StatisticsStoreConfig config, WriterCache cache,
            NavigableSet<Long> knownBuckets, String storePath, ExecutorService workers) {
        if ((workers == null) != (config.stagingThreads() == 1)) {
            throw new IllegalArgumentException("a pool is needed exactly when stagingThreads > 1");
        }
        this.db = db;
        this.cf = cf;
        this.config = config;
        this.cache = cache;
        this.knownBuckets = knownBuckets;
        this.storePath = storePath;
        this.workers = workers;
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
     * an entry evicted mid-update and reloaded would lose the changes staged before. Returns only once every
     * worker has finished with the cached objects, also when it throws.
     */
    Staged stage(StatisticsUpdate update, WriteBatch batch) throws RocksDBException {
        NavigableSet<Long> newBuckets = new TreeSet<>();
        long newestBucket = Long.MIN_VALUE;
        Resolved resolved = new Resolved(layerWidths(update));
        for (LayerBatch lb : update.batches()) {
            if (lb.rows() == 0) {
                continue;
            }
            RowGroups groups = RowGroups.of(lb, config.bucketMillis());
            for (long bucket : groups.buckets) {
                newestBucket = Math.max(newestBucket, bucket);
                if (!knownBuckets.contains(bucket) && newBuckets.add(bucket)) {
                    batch.put(cf.meta(), KeyCodec.metaBucket(bucket), EMPTY);
                }
            }
            stageCounters(lb, groups, batch);
            resolved.plans.add(resolve(lb, groups, resolved, batch));
        }
        if (!resolved.plans.isEmpty()) {
            int tasks = Math.max(1, Math.min(config.stagingThreads(), resolved.maxWidth));
            forEachTask(tasks, t -> update(t, tasks, resolved));
        }
        for (DirtySketch d : resolved.sketches) {
            batch.put(cf.sketches(), d.keyBytes, d.valueBytes);
        }
        for (DirtyHistogram d : resolved.histograms) {
            batch.put(cf.histograms(), d.keyBytes, d.valueBytes);
        }
        return new Staged(newBuckets, newestBucket);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Resolve: calling thread only.

    private record LayerKey(String model, String layer) {
    }

    private record SlotKey(String model, String layer, long bucket) {
    }

    /**
     * The touched objects of one (model, layer, bucket), by neuron: later batches of the same layer find them
     * here with an array read instead of a cache lookup per neuron.
     */
    private static final class Slot {
        final NeuronSketch[] sketches;
        final Map<String, ConceptHistogram[]> histograms = new HashMap<>();

        Slot(int width) {
            sketches = new NeuronSketch[width];
        }
    }

    /** Everything resolved for one update; {@link #sketches} and {@link #histograms} in write order. */
    private static final class Resolved {
        final Map<LayerKey, Integer> widths;
        final int maxWidth;
        final Map<LayerKey, BinEdges[]> edges = new HashMap<>();
        final Map<SlotKey, Slot> slots = new HashMap<>();
        final List<BatchPlan> plans = new ArrayList<>();
        final List<DirtySketch> sketches = new ArrayList<>();
        final List<DirtyHistogram> histograms = new ArrayList<>();

        Resolved(Map<LayerKey, Integer> widths) {
            this.widths = widths;
            this.maxWidth = widths.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }
    }

    /**
     * One batch with what it touches: {@code sketches[g][j]} is neuron j's sketch in bucket {@code g} of
     * {@code groups}, {@code histograms[g][c][j]} its histogram of concept c (only where {@code edges[j]} is
     * not null). The inner arrays are the slots' and may hold entries of other batches.
     */
    private record BatchPlan(LayerBatch lb, RowGroups groups, int width, BinEdges[] edges,
            NeuronSketch[][] sketches, ConceptHistogram[][][] histograms) {
    }

    /** A touched sketch; the owning task fills in the serialized key and value. */
    private static final class DirtySketch {
        final SketchKey key;
        final NeuronSketch sketch;
        final int width;
        byte[] keyBytes;
        byte[] valueBytes;

        DirtySketch(SketchKey key, NeuronSketch sketch, int width) {
            this.key = key;
            this.sketch = sketch;
            this.width = width;
        }
    }

    /** A touched histogram; the owning task fills in the serialized key and value. */
    private static final class DirtyHistogram {
        final HistogramKey key;
        final ConceptHistogram histogram;
        final int width;
        byte[] keyBytes;
        byte[] valueBytes;

        DirtyHistogram(HistogramKey key, ConceptHistogram histogram, int width) {
            this.key = key;
            this.histogram = histogram;
            this.width = width;
        }
    }

    /**
     * Rows of a batch grouped by time bucket, buckets ascending, rows ascending within each: the order in which
     * the rows reach the sketches.
     */
    private static final class RowGroups {
        final long[] buckets;
        final int[][] rows;

        private RowGroups(long[] buckets, int[][] rows) {
            this.buckets = buckets;
            this.rows = rows;
        }

        static RowGroups of(LayerBatch lb, long bucketMillis) {
            int n = lb.rows();
            long[] bucketOf = new long[n];
            boolean oneBucket = true;
            for (int r = 0; r < n; r++) {
                bucketOf[r] = Math.floorDiv(lb.timestamp(r), bucketMillis);
                oneBucket &= bucketOf[r] == bucketOf[0];
            }
            if (oneBucket) {
                int[] all = new int[n];
                Arrays.setAll(all, r -> r);
                return new RowGroups(new long[] {bucketOf[0]}, new int[][] {all});
            }
            long[] sorted = bucketOf.clone();
            Arrays.sort(sorted);
            int distinct = 0;
            for (int i = 0; i < n; i++) {
                if (i == 0 || sorted[i] != sorted[i - 1]) {
                    sorted[distinct++] = sorted[i];
                }
            }
            long[] buckets = Arrays.copyOf(sorted, distinct);
            int[] sizes = new int[distinct];
            int[] groupOf = new int[n];
            for (int r = 0; r < n; r++) {
                groupOf[r] = Arrays.binarySearch(buckets, bucketOf[r]);
                sizes[groupOf[r]]++;
            }
            int[][] rows = new int[distinct][];
            for (int g = 0; g < distinct; g++) {
                rows[g] = new int[sizes[g]];
            }
            int[] filled = new int[distinct];
            for (int r = 0; r < n; r++) {
                rows[groupOf[r]][filled[groupOf[r]]++] = r;
            }
            return new RowGroups(buckets, rows);
        }
    }

    /**
     * The widest batch of each layer: neuron ranges are cut from it, so that batches of one layer of different
     * widths still give each neuron to the same task.
     */
    private static Map<LayerKey, Integer> layerWidths(StatisticsUpdate update) {
        Map<LayerKey, Integer> widths = new HashMap<>();
        for (LayerBatch lb : update.batches()) {
            if (lb.rows() > 0) {
                widths.merge(new LayerKey(lb.model(), lb.layer()), lb.neurons(), Math::max);
            }
        }
        return widths;
    }

    private void stageCounters(LayerBatch lb, RowGroups groups, WriteBatch batch) throws RocksDBException {
        List<String> concepts = lb.concepts();
        for (int c = 0; c < concepts.size(); c++) {
            batch.put(cf.catalog(), KeyCodec.catalogConcept(lb.model(), lb.layer(), concepts.get(c)), EMPTY);
            for (int g = 0; g < groups.buckets.length; g++) {
                long positives = 0;
                for (int r : groups.rows[g]) {
                    if (lb.label(r, c)) {
                        positives++;
                    }
                }
                long bucket = groups.buckets[g];
                // Merges, not read-modify-write: RocksDB sums the operands, and they commit with the batch.
                batch.merge(cf.counters(), KeyCodec.counter(bucket, lb.model(), lb.layer(), concepts.get(c),
                        KeyCodec.COUNTER_SAMPLES), KeyCodec.uint64le(groups.rows[g].length));
                batch.merge(cf.counters(), KeyCodec.counter(bucket, lb.model(), lb.layer(), concepts.get(c),
                        KeyCodec.COUNTER_POSITIVES), KeyCodec.uint64le(positives));
            }
        }
    }

    /**
     * Fetches what {@code lb} touches, neuron by neuron and within a neuron bucket by bucket, sketch before
     * histograms: the order of first touch, which is the write order.
     */
    private BatchPlan resolve(LayerBatch lb, RowGroups groups, Resolved resolved, WriteBatch batch)
            throws RocksDBException {
        LayerKey layerKey = new LayerKey(lb.model(), lb.layer());
        int width = resolved.widths.get(layerKey);
        BinEdges[] layerEdges = resolved.edges.computeIfAbsent(layerKey, k -> new BinEdges[width]);
        List<String> concepts = lb.concepts();
        int groupCount = groups.buckets.length;
        NeuronSketch[][] sketches = new NeuronSketch[groupCount][];
        ConceptHistogram[][][] histograms = new ConceptHistogram[groupCount][concepts.size()][];
        Slot[] slots = new Slot[groupCount];
        for (int g = 0; g < groupCount; g++) {
            slots[g] = resolved.slots.computeIfAbsent(new SlotKey(lb.model(), lb.layer(), groups.buckets[g]),
                    k -> new Slot(width));
            sketches[g] = slots[g].sketches;
            for (int c = 0; c < concepts.size(); c++) {
                histograms[g][c] = slots[g].histograms.computeIfAbsent(concepts.get(c),
                        k -> new ConceptHistogram[width]);
            }
        }
        BinEdges[] edges = new BinEdges[lb.neurons()];
        for (int j = 0; j < lb.neurons(); j++) {
            if (layerEdges[j] == null) {
                // Null edges (a neuron with only NaNs so far) are looked up again with each batch's column.
                layerEdges[j] = edges(new NeuronKey(lb.model(), lb.layer(), j), lb, batch);
            }
            edges[j] = layerEdges[j];
            for (int g = 0; g < groupCount; g++) {
                long bucket = groups.buckets[g];
                if (sketches[g][j] == null && !lb.labelsOnly()) {
                    SketchKey sk = new SketchKey(bucket, lb.model(), lb.layer(), j);
                    sketches[g][j] = sketch(sk);
                    resolved.sketches.add(new DirtySketch(sk, sketches[g][j], width));
                }
                if (edges[j] == null) {
                    continue;
                }
                for (int c = 0; c < concepts.size(); c++) {
                    if (histograms[g][c][j] == null) {
                        HistogramKey hk = new HistogramKey(bucket, lb.model(), lb.layer(), j, concepts.get(c));
                        histograms[g][c][j] = histogram(hk, edges[j]);
                        resolved.histograms.add(new DirtyHistogram(hk, histograms[g][c][j], width));
                    }
                }
            }
        }
        return new BatchPlan(lb, groups, width, edges, sketches, histograms);
    }

    /**
     * The neuron's edges; fixes them from its column in {@code lb} (this, its first batch) if it has none yet.
     * An empty catalog value means "seen, but only NaN so far".
     */
    private BinEdges edges(NeuronKey key, LayerBatch lb, WriteBatch batch) throws RocksDBException {
        BinEdges edges = cache.edges.get(key);
        if (edges != null) {
            return edges;
        }
        byte[] catalogKey = KeyCodec.catalogNeuron(key.model(), key.layer(), key.neuron());
        byte[] stored = db.get(cf.catalog(), catalogKey);
        if (stored != null && stored.length > 0) {
            edges = decode(stored, key, BinEdges::fromBytes, "bin edges");
        } else {
            float[] column = new float[lb.rows()];
            for (int r = 0; r < column.length; r++) {
                column[r] = lb.value(r, key.neuron());
            }
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
            s = stored == null ? NeuronSketch.create(config.sketchPrecisionBits())
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

    // ---------------------------------------------------------------------------------------------------------
    // Update: one task per neuron range; touches only the objects of its own neurons and the caches' nothing.

    /** Start of task {@code t}'s neuron range in a layer of {@code width} neurons split {@code tasks} ways. */
    private static int rangeStart(int t, int tasks, int width) {
        return (int) ((long) t * width / tasks);
    }

    private static void update(int t, int tasks, Resolved resolved) {
        float[] block = new float[0];
        int[] bins = new int[0];
        for (BatchPlan p : resolved.plans) {
            LayerBatch lb = p.lb();
            int from = rangeStart(t, tasks, p.width());
            int to = Math.min(rangeStart(t + 1, tasks, p.width()), lb.neurons());
            if (from >= to) {
                continue;
            }
            int rows = lb.rows();
            if (block.length < rows * (to - from)) {
                block = new float[rows * (to - from)];
            }
            if (bins.length < rows) {
                bins = new int[rows];
            }
            // Column-major copy of this range: the row-major rows would cost a cache miss per value below. In
            // tiles of TILE neurons, so that each row is read a cache line at a time and only TILE columns are
            // being written at once.
            for (int j0 = from; j0 < to; j0 += TILE) {
                int j1 = Math.min(to, j0 + TILE);
                for (int r = 0; r < rows; r++) {
                    float[] row = lb.row(r);
                    for (int j = j0; j < j1; j++) {
                        block[(j - from) * rows + r] = row[j];
                    }
                }
            }
            long[][] labels = new long[lb.concepts().size()][];
            for (int c = 0; c < labels.length; c++) {
                labels[c] = lb.labelBits(c);
            }
            for (int j = from; j < to; j++) {
                int base = (j - from) * rows;
                if (lb.labelsOnly()) {
                    // Late labels: the sketches counted these activations when they arrived.
                } else if (p.groups().rows.length == 1) {
                    // One time bucket (the usual case): every row, in order.
                    p.sketches()[0][j].update(block, base, base + rows);
                } else {
                    for (int g = 0; g < p.groups().rows.length; g++) {
                        NeuronSketch sketch = p.sketches()[g][j];
                        for (int r : p.groups().rows[g]) {
                            sketch.update(block[base + r]);
                        }
                    }
                }
                BinEdges edges = p.edges()[j];
                if (edges == null || labels.length == 0) {
                    continue;
                }
                for (int r = 0; r < rows; r++) {
                    bins[r] = edges.binOf(block[base + r]);
                }
                for (int g = 0; g < p.groups().rows.length; g++) {
                    int[] groupRows = p.groups().rows[g];
                    for (int c = 0; c < labels.length; c++) {
                        ConceptHistogram h = p.histograms()[g][c][j];
                        long[] bits = labels[c];
                        for (int r : groupRows) {
                            if (bins[r] >= 0) {
                                h.add(bins[r], (bits[r >>> 6] & (1L << r)) != 0);
                            }
                        }
                    }
                }
            }
        }
        for (DirtySketch d : resolved.sketches) {
            if (owns(t, tasks, d.width, d.key.neuron())) {
                SketchKey k = d.key;
                d.keyBytes = KeyCodec.sketch(k.bucket(), k.model(), k.layer(), k.neuron());
                d.valueBytes = d.sketch.toBytes();
            }
        }
        for (DirtyHistogram d : resolved.histograms) {
            if (owns(t, tasks, d.width, d.key.neuron())) {
                HistogramKey k = d.key;
                d.keyBytes = KeyCodec.histogram(k.bucket(), k.model(), k.layer(), k.neuron(), k.concept());
                d.valueBytes = d.histogram.toBytes();
            }
        }
    }

    private static boolean owns(int t, int tasks, int width, int neuron) {
        return neuron >= rangeStart(t, tasks, width) && neuron < rangeStart(t + 1, tasks, width);
    }

    /**
     * Runs {@code task} for 0 .. tasks-1, task 0 on this thread, and waits for all of them even if one fails or
     * this thread is interrupted: the tasks mutate cached objects, which the caller may clear or reuse next.
     * Rethrows the first failure.
     */
    private void forEachTask(int tasks, IntConsumer task) {
        if (tasks <= 1) {
            task.accept(0);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(tasks - 1);
        Throwable failure = null;
        try {
            for (int t = 1; t < tasks; t++) {
                int id = t;
                futures.add(workers.submit(() -> task.accept(id)));
            }
            task.accept(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    } else {
                        failure.addSuppressed(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IllegalStateException("statistics staging task failed", failure);
        }
    }
}
