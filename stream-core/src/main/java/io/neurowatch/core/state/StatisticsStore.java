package io.neurowatch.core.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Incremental per-neuron statistics of streamed activations, kept in RocksDB together with the source offsets
 * they cover, so that after a crash statistics and offsets agree: every consumed record counted exactly once.
 *
 * <p><b>What is kept</b>, per time bucket ({@link StatisticsStoreConfig#bucketMillis()} of sample timestamps,
 * one hour by default):
 * <ul>
 *   <li>per (model, layer, neuron): a relative-error log-bucket sketch of the activations ({@link NeuronSketch};
 *       every quantile within 0.78% of the exact value at the default precision, exact minimum and maximum)
 *       and so the sample count;</li>
 *   <li>per (model, layer, neuron, concept): activation histograms of positive and negative samples
 *       ({@link ConceptHistogram}) over bins fixed per neuron from its first batch ({@link BinEdges}), giving an
 *       AUROC with a deterministic error bound of ½·P(a positive-negative pair shares an interval bin);</li>
 *   <li>per (model, layer, concept): samples labelled and positives ({@link ConceptCounts}).</li>
 * </ul>
 * Reads merge the retained buckets. Offsets, bin edges and the catalog of models, layers, neurons and concepts are
 * not bucketed.
 *
 * <p><b>Retention.</b> Sketches cannot forget values, so a window is made of buckets: {@link #dropBucketsBefore}
 * range-deletes whole buckets, and what remains is merged on read (merging adds bucket counts, so the merge is the sketch of the union). The retained
 * window is therefore exact to bucket granularity. Samples that arrive after their bucket was dropped recreate it.
 * {@link #deleteLayer} forgets a layer entirely, its bin edges included (the next batch fixes new ones).
 *
 * <p><b>Atomicity.</b> {@link #apply} puts every statistic an update touches and the offsets it consumed into one
 * RocksDB {@link WriteBatch}, written with {@code sync} ({@link StatisticsStoreConfig#syncWrites()}). After a
 * crash either both are visible or neither; restart with {@link #committedOffsets()}.
 * <pre>{@code
 * try (StatisticsStore store = StatisticsStore.open(dir, StatisticsStoreConfig.defaults())) {
 *     store.committedOffsets().forEach(consumer::seek);          // resume where the statistics end
 *     while (running) {
 *         List<Record> records = consumer.poll();
 *         store.apply(decode(records), offsetsOf(records));       // statistics + offsets, one commit
 *     }
 * }
 * }</pre>
 *
 * <p><b>Storage.</b> Column families {@code meta} (format version, bucket length, bucket markers), {@code offsets},
 * {@code catalog} (neurons with their bin edges, concepts), {@code sketches}, {@code histograms} and
 * {@code counters} (RocksDB's built-in {@code uint64add} merge operator). The byte layout of every key is drawn in
 * {@link KeyCodec}. Each apply rewrites the serialized sketch of every neuron and the histogram of every
 * (neuron, concept) it touches (about 2 bytes per bin), so larger batches amortize the writes.
 *
 * <p><b>Threads.</b> All methods are thread-safe and block on disk I/O (call them from a thread that may block,
 * e.g. Reactor's {@code boundedElastic}). Writers ({@link #apply}, {@link #deleteLayer}, {@link #dropBucketsBefore})
 * are serialized by an internal lock and meant for one thread, which owns the heap cache of sketches and
 * histograms. Within one apply, the sketch and histogram updates are split by neuron over
 * {@link StatisticsStoreConfig#stagingThreads()} threads: the caller and workers the store starts in
 * {@link #open} and stops in {@link #close()}; every sketch and histogram receives the same values in the same
 * order for any thread count (see {@link UpdateStager} for what that guarantees of the bytes). Readers run
 * concurrently with the writer, each on one RocksDB snapshot, so they see whole applies only. {@link #close()}
 * waits for calls in flight; any call after it throws {@link IllegalStateException}.
 */
public final class StatisticsStore implements AutoCloseable {
    /** Version of the persisted layout, stored in {@code meta}; opening a store of another version fails. */
    public static final int FORMAT_VERSION = 2;
    /** Prefix of the message of the {@link IllegalStateException} thrown by calls after {@link #close()}. */
    public static final String CLOSED_MESSAGE = "Statistics store is closed: ";
    /** Start of the message of the {@link IllegalArgumentException} thrown for offsets applied before. */
    public static final String ALREADY_APPLIED_MESSAGE = "Offset already applied";

    private static final byte[] EMPTY = new byte[0];
    private static final String SUMMING_MERGE_OPERATOR = "uint64add";

    private final Path path;
    private final StatisticsStoreConfig config;
    private final RocksDB db;
    private final Families cf;
    private final WriteOptions writeOptions;
    private final NativeHandles handles;
    /** Read side: every call while open; write side: close. So close never frees what a call is using. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean open = true; // guarded by lifecycle
    private final ReentrantLock writer = new ReentrantLock();
    private final Map<SourcePartition, Long> committed; // guarded by writer
    private final NavigableSet<Long> buckets; // guarded by writer
    private final WriterCache cache = new WriterCache(); // guarded by writer
    private final ExecutorService stagingWorkers; // null with one staging thread
    private final UpdateStager stager;

    private StatisticsStore(Path path, StatisticsStoreConfig config, RocksDB db, Families cf,
            WriteOptions writeOptions, NativeHandles handles, Map<SourcePartition, Long> committed,
            NavigableSet<Long> buckets, ExecutorService stagingWorkers) {
        this.path = path;
        this.config = config;
        this.db = db;
        this.cf = cf;
        this.writeOptions = writeOptions;
        this.handles = handles;
        this.committed = committed;
        this.buckets = buckets;
        this.stagingWorkers = stagingWorkers;
        this.stager = new UpdateStager(db, cf, config, cache, buckets, path.toString(), stagingWorkers);
    }

    /**
     * Opens the store at {@code path}, creating the directory and the database if missing. Blocks while RocksDB
     * opens (replaying its write-ahead log after a crash).
     *
     * @throws IOException "Error opening statistics store at PATH: ..." if RocksDB cannot open it (locked by
     *     another process, unreadable), if it was written in another {@link #FORMAT_VERSION}, or if it was created
     *     with another {@link StatisticsStoreConfig#bucketMillis()}
     */
    public static StatisticsStore open(Path path, StatisticsStoreConfig config) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(config, "config");
        RocksDB.loadLibrary();
        // Registered in creation order and closed in reverse: column family handles, then the DB, then
        // WriteOptions, the column family options and DBOptions, which must outlive the DB that uses them.
        NativeHandles handles = new NativeHandles();
        try {
            Files.createDirectories(path);
            DBOptions dbOptions = handles.add(new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setKeepLogFileNum(5));
            ColumnFamilyOptions plain = handles.add(new ColumnFamilyOptions());
            ColumnFamilyOptions summing = handles.add(new ColumnFamilyOptions()
                    .setMergeOperatorName(SUMMING_MERGE_OPERATOR));
            WriteOptions writeOptions = handles.add(new WriteOptions().setSync(config.syncWrites()));
            List<ColumnFamilyDescriptor> descriptors = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, plain),
                    descriptor(Families.META, plain),
                    descriptor(Families.OFFSETS, plain),
                    descriptor(Families.CATALOG, plain),
                    descriptor(Families.SKETCHES, plain),
                    descriptor(Families.HISTOGRAMS, plain),
                    descriptor(Families.COUNTERS, summing));
            List<ColumnFamilyHandle> cfHandles = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, path.toString(), descriptors, cfHandles);
            handles.add(db::closeE);
            cfHandles.forEach(handles::add);
            Families cf = new Families(cfHandles.get(1), cfHandles.get(2), cfHandles.get(3), cfHandles.get(4),
                    cfHandles.get(5), cfHandles.get(6));
            checkOrInitMeta(db, cf, writeOptions, config);
            Map<SourcePartition, Long> offsets = readOffsets(db, cf, null);
            NavigableSet<Long> buckets = new TreeSet<>(readBuckets(db, cf, null));
            return new StatisticsStore(path, config, db, cf, writeOptions, handles, offsets, buckets,
                    stagingWorkers(config.stagingThreads(), path));
        } catch (RocksDBException | IOException | RuntimeException e) {
            closeAfterFailedOpen(handles, e);
            throw new IOException("Error opening statistics store at " + path + ": " + e.getMessage(), e);
        }
    }

    /** The directory of the store. */
    public Path path() {
        return path;
    }

    public StatisticsStoreConfig config() {
        return config;
    }

    /**
     * Adds {@code update} to the statistics and records {@code consumed} as consumed, in one atomic, durable
     * RocksDB write. For each partition the next offset to read becomes the largest consumed offset + 1.
     *
     * <p>Blocks for the write (and its fsync with {@link StatisticsStoreConfig#syncWrites()}). Writer thread only
     * in spirit: concurrent calls are serialized. If it throws, nothing of the update is visible and the
     * committed offsets are unchanged, so the caller may retry the same update.
     *
     * @param consumed the records whose effect {@code update} carries; may be empty, and {@code update} may be
     *     {@link StatisticsUpdate#empty()} to advance offsets past records that carry no statistics
     * @throws IllegalArgumentException starting with {@link #ALREADY_APPLIED_MESSAGE} if a consumed offset is
     *     below its partition's committed next offset: applying it again would count its samples twice. Nothing
     *     is written.
     * @throws StatisticsStoreException if RocksDB fails or stored statistics cannot be decoded
     * @throws IllegalStateException if the store is closed
     */
    public void apply(StatisticsUpdate update, List<SourceOffset> consumed) {
        Objects.requireNonNull(update, "update");
        Objects.requireNonNull(consumed, "consumed");
        enter();
        writer.lock();
        try {
            Map<SourcePartition, Long> next = nextOffsets(consumed);
            UpdateStager.Staged staged;
            try (WriteBatch batch = new WriteBatch()) {
                staged = stager.stage(update, batch);
                for (Map.Entry<SourcePartition, Long> e : next.entrySet()) {
                    batch.put(cf.offsets(), KeyCodec.offset(e.getKey()), KeyCodec.int64(e.getValue()));
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                cache.clear(); // it may hold changes that never reached the disk
                throw new StatisticsStoreException(
                        "Error applying an update to statistics store at " + path + ": " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                cache.clear();
                throw e;
            }
            committed.putAll(next);
            buckets.addAll(staged.newBuckets());
            cache.written(staged.newestBucket());
        } finally {
            writer.unlock();
            leave();
        }
    }

    /**
     * Per partition, the next offset to read: seek there on restart. Read from disk, so it reflects exactly the
     * applies that are durable. Blocks for a short scan.
     *
     * @return an immutable map; empty for a new store
     * @throws StatisticsStoreException if RocksDB fails
     * @throws IllegalStateException if the store is closed
     */
    public Map<SourcePartition, Long> committedOffsets() {
        return read("committed offsets", ro -> Map.copyOf(readOffsets(db, cf, ro)));
    }

    /**
     * The activation sketch of a neuron, merged over the retained buckets: a fresh copy the caller owns.
     *
     * @return an empty sketch if the neuron has no data
     * @throws StatisticsStoreException if RocksDB fails or a sketch cannot be decoded
     * @throws IllegalStateException if the store is closed
     */
    public NeuronSketch sketch(String model, String layer, int neuron) {
        checkNeuron(model, layer, neuron);
        return read("sketch of " + model + "/" + layer + "/" + neuron, ro -> {
            NeuronSketch merged = null;
            for (long bucket : readBuckets(db, cf, ro)) {
                byte[] v = db.get(cf.sketches(), ro, KeyCodec.sketch(bucket, model, layer, neuron));
                if (v != null) {
                    NeuronSketch s = NeuronSketch.fromBytes(v);
                    if (merged == null) {
                        merged = s;
                    } else {
                        merged.merge(s);
                    }
                }
            }
            return merged != null ? merged : NeuronSketch.create(config.sketchPrecisionBits());
        });
    }

    /**
     * Approximate activation quantiles of a neuron over the retained buckets, each within the sketch's relative
     * error (about 0.78% at the default precision) of the exact quantile; see {@link NeuronSketch#quantiles}.
     *
     * @return one value per rank; all NaN if the neuron has no data
     * @throws IllegalArgumentException if a rank is outside [0, 1]
     * @throws StatisticsStoreException if RocksDB fails or a sketch cannot be decoded
     * @throws IllegalStateException if the store is closed
     */
    public double[] quantiles(String model, String layer, int neuron, double... ranks) {
        NeuronSketch.checkRanks(ranks);
        return sketch(model, layer, neuron).quantiles(ranks);
    }

    /**
     * Number of non-NaN activations of a neuron in the retained buckets.
     *
     * @throws StatisticsStoreException if RocksDB fails or a sketch cannot be decoded
     * @throws IllegalStateException if the store is closed
     */
    public long count(String model, String layer, int neuron) {
        return sketch(model, layer, neuron).count();
    }

    /**
     * The bin edges of a neuron's concept histograms, fixed from its first batch.
     *
     * @return empty if the neuron is unknown or has only had NaN activations
     * @throws StatisticsStoreException if RocksDB fails or the edges cannot be decoded
     * @throws IllegalStateException if the store is closed
     */
    public Optional<BinEdges> binEdges(String model, String layer, int neuron) {
        checkNeuron(model, layer, neuron);
        return read("bin edges of " + model + "/" + layer + "/" + neuron, ro -> {
            byte[] v = db.get(cf.catalog(), ro, KeyCodec.catalogNeuron(model, layer, neuron));
            return v == null || v.length == 0 ? Optional.empty() : Optional.of(BinEdges.fromBytes(v));
        });
    }

    /**
     * The positive and negative activation histograms of a neuron for a concept, merged over the retained buckets.
     *
     * @return empty if the neuron has no labelled data for the concept
     * @throws StatisticsStoreException if RocksDB fails or a histogram cannot be decoded
     * @throws IllegalStateException if the store is closed
     */
    public Optional<ConceptHistogram> histogram(String model, String layer, int neuron, String concept) {
        checkNeuron(model, layer, neuron);
        KeyCodec.requireName("concept", concept);
        return read("histogram of " + model + "/" + layer + "/" + neuron + "/" + concept, ro -> {
            ConceptHistogram merged = null;
            for (long bucket : readBuckets(db, cf, ro)) {
                byte[] v = db.get(cf.histograms(), ro, KeyCodec.histogram(bucket, model, layer, neuron, concept));
                if (v != null) {
                    ConceptHistogram h = ConceptHistogram.fromBytes(v);
                    if (merged == null) {
                        merged = h;
                    } else {
                        merged.merge(h);
                    }
                }
            }
            return Optional.ofNullable(merged);
        });
    }

    /**
     * Streaming single-concept AUROC of a neuron over the retained buckets, with its deterministic error bound:
     * the exact (midrank) AUROC lies within {@code auroc ± errorBound}; see {@link ConceptHistogram#auroc()}.
     *
     * @return NaN estimate and bound if the neuron has no positive or no negative sample for the concept
     * @throws StatisticsStoreException if RocksDB fails or a histogram cannot be decoded
     * @throws IllegalStateException if the store is closed
     */
    public AurocEstimate auroc(String model, String layer, int neuron, String concept) {
        return histogram(model, layer, neuron, concept).map(ConceptHistogram::auroc)
                .orElse(new AurocEstimate(Double.NaN, Double.NaN, 0, 0));
    }

    /**
     * Samples of a layer labelled for a concept, and positives among them, over the retained buckets.
     *
     * @throws StatisticsStoreException if RocksDB fails
     * @throws IllegalStateException if the store is closed
     */
    public ConceptCounts conceptCounts(String model, String layer, String concept) {
        KeyCodec.requireName("model", model);
        KeyCodec.requireName("layer", layer);
        KeyCodec.requireName("concept", concept);
        return read("counts of " + model + "/" + layer + "/" + concept, ro -> {
            long samples = 0;
            long positives = 0;
            for (long bucket : readBuckets(db, cf, ro)) {
                samples += counter(ro, KeyCodec.counter(bucket, model, layer, concept, KeyCodec.COUNTER_SAMPLES));
                positives += counter(ro,
                        KeyCodec.counter(bucket, model, layer, concept, KeyCodec.COUNTER_POSITIVES));
            }
            return new ConceptCounts(samples, positives);
        });
    }

    /**
     * Models with at least one neuron, sorted by UTF-8 byte order.
     *
     * @throws StatisticsStoreException if RocksDB fails
     * @throws IllegalStateException if the store is closed
     */
    public List<String> models() {
        return read("models", ro -> distinctNames(ro, KeyCodec.key().tag(KeyCodec.CATALOG_NEURON).build()));
    }

    /**
     * Layers of a model, sorted by UTF-8 byte order.
     *
     * @throws StatisticsStoreException if RocksDB fails
     * @throws IllegalStateException if the store is closed
     */
    public List<String> layers(String model) {
        KeyCodec.requireName("model", model);
        return read("layers of " + model,
                ro -> distinctNames(ro, KeyCodec.key().tag(KeyCodec.CATALOG_NEURON).name(model).build()));
    }

    /**
     * Neurons of a layer, ascending.
     *
     * @throws StatisticsStoreException if RocksDB fails
     * @throws IllegalStateException if the store is closed
     */
    public List<Integer> neurons(String model, String layer) {
        KeyCodec.requireName("model", model);
        KeyCodec.requireName("layer", layer);
        byte[] prefix = KeyCodec.key().tag(KeyCodec.CATALOG_NEURON).name(model).name(layer).build();
        return read("neurons of " + model + "/" + layer, ro -> {
            List<Integer> out = new ArrayList<>();
            scan(ro, cf.catalog(), prefix, key -> out.add(new KeyCodec.KeyReader(key).skip(prefix.length).int32()));
            return out;
        });
    }

    /**
     * Concepts labelled for a layer, sorted by UTF-8 byte order.
     *
     * @throws StatisticsStoreException if RocksDB fails
     * @throws IllegalStateException if the store is closed
     */
    public List<String> concepts(String model, String layer) {
        KeyCodec.requireName("model", model);
        KeyCodec.requireName("layer", layer);
        byte[] prefix = KeyCodec.key().tag(KeyCodec.CATALOG_CONCEPT).name(model).name(layer).build();
        return read("concepts of " + model + "/" + layer, ro -> {
            List<String> out = new ArrayList<>();
            scan(ro, cf.catalog(), prefix, key -> out.add(new KeyCodec.KeyReader(key).skip(prefix.length).name()));
            return out;
        });
    }

    /**
     * RocksDB's size figures (live data, SST files, memtables, block cache, keys), for metrics.
     *
     * @throws StatisticsStoreException if RocksDB fails
     * @throws IllegalStateException if the store is closed
     */
    public StorageFigures storageFigures() {
        enter();
        try {
            // Column families opened with one ColumnFamilyOptions share its block cache: the default family
            // reports the cache of all but the counters, which have options (and so a cache) of their own.
            long cache = db.getLongProperty("rocksdb.block-cache-usage")
                    + db.getLongProperty(cf.counters(), "rocksdb.block-cache-usage");
            return new StorageFigures(db.getAggregatedLongProperty("rocksdb.estimate-live-data-size"),
                    db.getAggregatedLongProperty("rocksdb.total-sst-files-size"),
                    db.getAggregatedLongProperty("rocksdb.cur-size-all-mem-tables"), cache,
                    db.getAggregatedLongProperty("rocksdb.estimate-num-keys"));
        } catch (RocksDBException e) {
            throw new StatisticsStoreException(
                    "Error reading storage figures of statistics store at " + path + ": " + e.getMessage(), e);
        } finally {
            leave();
        }
    }

    /**
     * Start times (epoch milliseconds) of the retained buckets, ascending.
     *
     * @throws StatisticsStoreException if RocksDB fails
     * @throws IllegalStateException if the store is closed
     */
    public List<Long> bucketStarts() {
        return read("buckets", ro -> readBuckets(db, cf, ro).stream().map(b -> b * config.bucketMillis()).toList());
    }

    /**
     * Retention: deletes every bucket that ends at or before {@code epochMillis} (bucket index below
     * {@code floorDiv(epochMillis, bucketMillis)}), in all statistics, in one durable write. Offsets, bin edges
     * and the catalog stay. Disk space returns as RocksDB compacts the range tombstones.
     *
     * @return the number of buckets dropped
     * @throws StatisticsStoreException if RocksDB fails
     * @throws IllegalStateException if the store is closed
     */
    public int dropBucketsBefore(long epochMillis) {
        enter();
        writer.lock();
        try {
            long limit = Math.floorDiv(epochMillis, config.bucketMillis());
            NavigableSet<Long> dropped = buckets.headSet(limit, false);
            if (dropped.isEmpty()) {
                return 0;
            }
            byte[] from = KeyCodec.bucketPrefix(Long.MIN_VALUE);
            byte[] to = KeyCodec.bucketPrefix(limit);
            try (WriteBatch batch = new WriteBatch()) {
                batch.deleteRange(cf.sketches(), from, to);
                batch.deleteRange(cf.histograms(), from, to);
                batch.deleteRange(cf.counters(), from, to);
                batch.deleteRange(cf.meta(), KeyCodec.metaBucket(Long.MIN_VALUE), KeyCodec.metaBucket(limit));
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw new StatisticsStoreException("Error dropping buckets before " + epochMillis
                        + " from statistics store at " + path + ": " + e.getMessage(), e);
            }
            int n = dropped.size();
            dropped.clear(); // a view: removes them from buckets
            cache.evictBucketsBefore(limit);
            return n;
        } finally {
            writer.unlock();
            leave();
        }
    }

    /**
     * Forgets a layer: its sketches, histograms, counters, bin edges and catalog entries, in every bucket, in
     * one durable write. Offsets stay. The next batch of the layer fixes new bin edges.
     *
     * @throws StatisticsStoreException if RocksDB fails
     * @throws IllegalStateException if the store is closed
     */
    public void deleteLayer(String model, String layer) {
        KeyCodec.requireName("model", model);
        KeyCodec.requireName("layer", layer);
        enter();
        writer.lock();
        try (WriteBatch batch = new WriteBatch()) {
            for (long bucket : buckets) {
                byte[] prefix = KeyCodec.bucketLayerPrefix(bucket, model, layer);
                byte[] end = KeyCodec.prefixEnd(prefix);
                batch.deleteRange(cf.sketches(), prefix, end);
                batch.deleteRange(cf.histograms(), prefix, end);
                batch.deleteRange(cf.counters(), prefix, end);
            }
            for (byte tag : new byte[] {KeyCodec.CATALOG_NEURON, KeyCodec.CATALOG_CONCEPT}) {
                byte[] prefix = KeyCodec.key().tag(tag).name(model).name(layer).build();
                batch.deleteRange(cf.catalog(), prefix, KeyCodec.prefixEnd(prefix));
            }
            db.write(writeOptions, batch);
            cache.evictLayer(model, layer);
        } catch (RocksDBException e) {
            throw new StatisticsStoreException("Error deleting layer " + model + "/" + layer
                    + " from statistics store at " + path + ": " + e.getMessage(), e);
        } finally {
            writer.unlock();
            leave();
        }
    }

    /**
     * Closes the database and frees its native memory. Waits for calls in flight; idempotent. Everything applied
     * is already durable, so nothing is flushed here.
     *
     * @throws StatisticsStoreException if RocksDB reports an error while closing (every handle is freed anyway)
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            cache.clear();
            if (stagingWorkers != null) {
                stagingWorkers.shutdown(); // idle: every apply waits for its tasks, and none is in flight
            }
            try {
                handles.closeAll();
            } catch (Exception e) {
                throw new StatisticsStoreException(
                        "Error closing statistics store at " + path + ": " + e.getMessage(), e);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "StatisticsStore[" + path + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    private interface SnapshotRead<T> {
        T read(ReadOptions ro) throws RocksDBException;
    }

    private interface KeyVisitor {
        void visit(byte[] key);
    }

    private void enter() {
        lifecycle.readLock().lock();
        if (!open) {
            lifecycle.readLock().unlock();
            throw new IllegalStateException(CLOSED_MESSAGE + path);
        }
    }

    private void leave() {
        lifecycle.readLock().unlock();
    }

    /** Runs {@code body} on one snapshot, so multi-key reads see whole applies only. */
    private <T> T read(String what, SnapshotRead<T> body) {
        enter();
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
            return body.read(ro);
        } catch (RocksDBException e) {
            throw new StatisticsStoreException(
                    "Error reading " + what + " from statistics store at " + path + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // Arguments are checked before read(); here it can only come from decoding stored bytes.
            throw new StatisticsStoreException(
                    "Unreadable " + what + " in statistics store at " + path + ": " + e.getMessage(), e);
        } finally {
            db.releaseSnapshot(snapshot);
            leave();
        }
    }

    private Map<SourcePartition, Long> nextOffsets(List<SourceOffset> consumed) {
        Map<SourcePartition, Long> next = new LinkedHashMap<>();
        for (SourceOffset o : consumed) {
            SourcePartition tp = o.sourcePartition();
            Long committedNext = committed.get(tp);
            if (committedNext != null && o.offset() < committedNext) {
                throw new IllegalArgumentException(ALREADY_APPLIED_MESSAGE + ": " + o + " is below the next offset "
                        + committedNext + " committed in statistics store at " + path
                        + "; applying it again would count its samples twice");
            }
            next.merge(tp, o.offset() + 1, Math::max);
        }
        return next;
    }

    private long counter(ReadOptions ro, byte[] key) throws RocksDBException {
        byte[] v = db.get(cf.counters(), ro, key);
        return v == null ? 0 : KeyCodec.readUint64le(v);
    }

    /** Distinct names that follow {@code prefix} in catalog neuron keys, one seek per name. */
    private List<String> distinctNames(ReadOptions ro, byte[] prefix) throws RocksDBException {
        List<String> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(cf.catalog(), ro)) {
            it.seek(prefix);
            while (it.isValid() && KeyCodec.startsWith(it.key(), prefix)) {
                String name = new KeyCodec.KeyReader(it.key()).skip(prefix.length).name();
                out.add(name);
                // Skip every key of this name: seek past the prefix extended by the name.
                it.seek(KeyCodec.prefixEnd(concat(prefix, (name + "\0").getBytes(StandardCharsets.UTF_8))));
            }
            it.status();
        }
        return out;
    }

    private void scan(ReadOptions ro, ColumnFamilyHandle family, byte[] prefix, KeyVisitor visitor)
            throws RocksDBException {
        // Iterators are closed before read() returns, so close() never has to chase open ones.
        try (RocksIterator it = db.newIterator(family, ro)) {
            for (it.seek(prefix); it.isValid() && KeyCodec.startsWith(it.key(), prefix); it.next()) {
                visitor.visit(it.key());
            }
            it.status();
        }
    }

    private void checkNeuron(String model, String layer, int neuron) {
        KeyCodec.requireName("model", model);
        KeyCodec.requireName("layer", layer);
        if (neuron < 0) {
            throw new IllegalArgumentException("neuron index is negative: " + neuron);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * The workers beside the applying thread, or null for one staging thread. Daemons, so that a store left open
     * does not keep the JVM alive; named after the store for thread dumps.
     */
    private static ExecutorService stagingWorkers(int stagingThreads, Path path) {
        if (stagingThreads == 1) {
            return null;
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "statistics-staging-" + n.incrementAndGet() + " " + path.getFileName());
            t.setDaemon(true);
            return t;
        };
        return Executors.newFixedThreadPool(stagingThreads - 1, factory);
    }

    private static ColumnFamilyDescriptor descriptor(String name, ColumnFamilyOptions options) {
        return new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), options);
    }

    /** A new store gets the format version and bucket length; an existing one must match both. */
    private static void checkOrInitMeta(RocksDB db, Families cf, WriteOptions writeOptions,
            StatisticsStoreConfig config) throws RocksDBException, IOException {
        byte[] format = db.get(cf.meta(), new byte[] {KeyCodec.META_FORMAT});
        byte[] bucketMillis = db.get(cf.meta(), new byte[] {KeyCodec.META_BUCKET_MILLIS});
        if (format == null) {
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(cf.meta(), new byte[] {KeyCodec.META_FORMAT}, KeyCodec.int32(FORMAT_VERSION));
                batch.put(cf.meta(), new byte[] {KeyCodec.META_BUCKET_MILLIS}, KeyCodec.int64(config.bucketMillis()));
                db.write(writeOptions, batch);
            }
            return;
        }
        int version = format.length == 4 ? KeyCodec.readInt32(format) : -1;
        if (version != FORMAT_VERSION) {
            throw new IOException("format version " + (version < 0 ? "<" + format.length + " bytes>" : version)
                    + " is not supported; this build reads version " + FORMAT_VERSION + " (version 2 replaced the KLL"
                    + " sketches; delete the directory to rebuild the statistics from the topic, which the analyzer"
                    + " then reads again from its start or retention: the archive skips what it holds)");
        }
        long stored = bucketMillis != null && bucketMillis.length == 8 ? KeyCodec.readInt64(bucketMillis) : -1;
        if (stored != config.bucketMillis()) {
            throw new IOException("it was created with bucketMillis=" + stored + " but the configuration asks for "
                    + config.bucketMillis() + "; buckets of different lengths cannot be mixed");
        }
    }

    private static Map<SourcePartition, Long> readOffsets(RocksDB db, Families cf, ReadOptions ro)
            throws RocksDBException {
        Map<SourcePartition, Long> out = new HashMap<>();
        try (RocksIterator it = ro == null ? db.newIterator(cf.offsets()) : db.newIterator(cf.offsets(), ro)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                KeyCodec.KeyReader r = new KeyCodec.KeyReader(it.key());
                out.put(new SourcePartition(r.name(), r.int32()), KeyCodec.readInt64(it.value()));
            }
            it.status();
        }
        return out;
    }

    private static List<Long> readBuckets(RocksDB db, Families cf, ReadOptions ro) throws RocksDBException {
        List<Long> out = new ArrayList<>();
        byte[] prefix = {KeyCodec.META_BUCKET};
        try (RocksIterator it = ro == null ? db.newIterator(cf.meta()) : db.newIterator(cf.meta(), ro)) {
            for (it.seek(prefix); it.isValid() && KeyCodec.startsWith(it.key(), prefix); it.next()) {
                out.add(new KeyCodec.KeyReader(it.key()).skip(1).bucket());
            }
            it.status();
        }
        return out;
    }

    private static void closeAfterFailedOpen(NativeHandles handles, Exception cause) {
        try {
            handles.closeAll();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }
}
