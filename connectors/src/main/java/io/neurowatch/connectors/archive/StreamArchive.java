package io.neurowatch.connectors.archive;

import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.SourcePartition;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream archive: every consumed activation row, per (model, layer), in segment files of the INVERT HDF5 store
 * layout ({@code <root>/<model>/<layer>/seg-NNNNNN.h5} + {@code manifest.json}, readable by
 * {@link io.neurowatch.connectors.io.Hdf5ActivationSource} and h5py), with sample ids, timestamps, concept labels
 * and the Kafka offsets they came from; windows over it for the labeller; retention. The layout is documented in
 * {@code docs/file-formats.md}, "Stream archive".
 *
 * <p><b>Exactly once.</b> Rows are buffered per layer and become durable when their segment is flushed (segment
 * file renamed into place, then the layer manifest rewritten to list it together with the offsets it covers). After
 * each flush the archive-wide frontier {@link #archivedOffsets()} is recomputed and stored in
 * {@code <root>/_archive.json}: per partition, every record below it has all its rows in flushed segments of every
 * layer it had rows for. On restart the consumer seeks to (at most) that offset and appends again;
 * {@link #append} ignores (returns false, counts in {@link #ignoredAppends()}) a record that lies below the
 * frontier, and, per layer, a record at or below an offset the layer already took (flushed, per its manifest, or
 * buffered). So a record replayed after a crash is archived exactly once in each layer. The caller's contract:
 * records of a partition are appended in offset order, all layers of a record before the next record (one
 * {@code append} per record and layer), and {@link #flush()}, {@link #flushIfDue} and {@link #close()} are called
 * between records only. A record's rows are never split across segments.
 *
 * <p><b>Recovery.</b> {@link #open} reconciles each layer directory (see {@link ReconcileReport}): a segment left
 * unlisted by a crash between its rename and the manifest rewrite is adopted when it continues the layer exactly,
 * otherwise deleted; temp files are removed; duplicate sample ids are reported.
 *
 * <p><b>Threads.</b> Not thread-safe: one writer thread calls every method. Full segments are encoded and forced
 * to disk on the archive's own segment writer thread (one write in flight per layer) and committed by the writer
 * thread on a later call; {@link #flush()} and {@link #close()} wait for them. {@link ArchiveWindow}s it returns are
 * independent and may be read and closed on another thread. One {@code StreamArchive} per root: {@link #open} locks
 * {@code <root>/.lock}. All methods block on disk I/O. Errors name the model, layer and file; invalid arguments are
 * {@link IllegalArgumentException}s, use after {@link #close()} {@link IllegalStateException}.
 */
public final class StreamArchive implements AutoCloseable {
    /** As {@code conceptCount} of {@link #window}: one more than the largest concept index in the window's rows. */
    public static final int CONCEPTS_FROM_LABELS = -1;
    private static final Logger LOG = LoggerFactory.getLogger(StreamArchive.class);
    private static final Comparator<LayerKey> BY_NAME =
            Comparator.comparing(LayerKey::model).thenComparing(LayerKey::layer);

    private final Path root;
    private final ArchiveOptions options;
    private final RootLock lock;
    private final Map<LayerKey, LayerWriter> layers = new TreeMap<>(BY_NAME);
    private final OffsetFrontier frontier;
    private final SegmentPins pins = new SegmentPins();
    /** Writes full segments while appends go on (see {@link LayerWriter}); one thread, so writes never compete. */
    private final ExecutorService segmentWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "archive-segment-writer");
        t.setDaemon(true);
        return t;
    });
    private final ReconcileReport report;
    private long ignored;
    private boolean closed;

    private StreamArchive(Path root, ArchiveOptions options, RootLock lock, Map<SourcePartition, Long> stored,
                          ReconcileReport report) {
        this.root = root;
        this.options = options;
        this.lock = lock;
        this.frontier = new OffsetFrontier(stored);
        this.report = report;
    }

    /**
     * Opens (creating if needed) an archive root, locks it and reconciles every layer directory.
     *
     * @throws IOException if another writer holds the root, a manifest or listed segment is invalid
     *     ({@link io.neurowatch.connectors.io.FileFormatException} naming the file), or I/O fails
     */
    public static StreamArchive open(Path root, ArchiveOptions options) throws IOException {
        Files.createDirectories(root);
        RootLock lock = RootLock.acquire(root);
        try {
            List<String> warnings = new ArrayList<>();
            Map<LayerKey, Reconciler.Result> found = new TreeMap<>(BY_NAME);
            for (Path modelDir : children(root)) {
                String name = modelDir.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(modelDir)) {
                    Files.deleteIfExists(modelDir); // unfinished _archive.json
                    continue;
                }
                if (!Files.isDirectory(modelDir) || name.startsWith(".")) {
                    continue;
                }
                String model = ArchiveNames.decode(name);
                if (model == null) {
                    warnings.add(modelDir + ": not an escaped model name; skipped");
                    continue;
                }
                for (Path layerDir : children(modelDir)) {
                    String layer = ArchiveNames.decode(layerDir.getFileName().toString());
                    if (!Files.isDirectory(layerDir)) {
                        continue;
                    }
                    if (layer == null) {
                        warnings.add(layerDir + ": not an escaped layer name; skipped");
                        continue;
                    }
                    LayerKey key = new LayerKey(model, layer);
                    found.put(key, Reconciler.reconcile(layerDir, key));
                }
            }
            for (String w : warnings) {
                LOG.warn(w);
            }
            List<Path> adopted = new ArrayList<>();
            List<Path> deleted = new ArrayList<>();
            List<Path> quarantined = new ArrayList<>();
            List<DuplicateSampleIds> dups = new ArrayList<>();
            for (Reconciler.Result r : found.values()) {
                adopted.addAll(r.adopted());
                deleted.addAll(r.deleted());
                quarantined.addAll(r.quarantined());
                if (r.duplicates() != null) {
                    dups.add(r.duplicates());
                }
            }
            StreamArchive a = new StreamArchive(root, options, lock, ArchiveOffsetsFile.read(root),
                    new ReconcileReport(adopted, deleted, quarantined, dups, warnings));
            for (Map.Entry<LayerKey, Reconciler.Result> e : found.entrySet()) {
                a.layers.put(e.getKey(), new LayerWriter(e.getKey(), e.getKey().directory(root),
                        e.getValue().manifest(), options, a.segmentWriter));
            }
            return a;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    /**
     * Appends the rows of one consumed record for one layer. The arrays are copied. Rows are buffered; a full
     * buffer (see {@link ArchiveOptions#rowsPerSegment()}) and any buffer older than the maximum segment age are
     * flushed before returning.
     *
     * @param sampleIds one id per row
     * @param timestamps one epoch-ms timestamp per row
     * @param rowMajor {@code rows x cols} activations, row-major
     * @param labelOffsets CSR offsets into {@code labelConcepts} (rows + 1 entries from 0), or null for no labels
     * @param labelConcepts concept indices (>= 0) of all rows, concatenated; null or empty without labels
     * @param position the record's topic, partition and offset
     * @return true if the rows were taken; false if the record was already archived (below
     *     {@link #archivedOffsets()}, or already taken by this layer) and was ignored
     * @throws IllegalArgumentException if the arguments are inconsistent, a name is invalid, or D differs from
     *     the layer's D (the message names model, layer, old and new D)
     * @throws IOException if a flush fails; the record may then be buffered or not, and appending it again is
     *     safe (a taken record is ignored)
     */
    public boolean append(String model, String layer, long[] sampleIds, long[] timestamps, int rows, int cols,
                          float[] rowMajor, long[] labelOffsets, int[] labelConcepts, SourceOffset position)
            throws IOException {
        if (rowMajor == null || (long) rows * cols != rowMajor.length || rows < 0 || cols < 0) {
            throw new IllegalArgumentException(new LayerKey(model, layer) + " record " + position + ": shape ["
                    + rows + ", " + cols + "] needs " + (long) rows * cols + " values but "
                    + (rowMajor == null ? "null" : rowMajor.length) + " were given");
        }
        float[][] rowArrays = new float[rows][];
        for (int i = 0; i < rows; i++) {
            rowArrays[i] = java.util.Arrays.copyOfRange(rowMajor, i * cols, (i + 1) * cols);
        }
        return appendRows(model, layer, sampleIds, timestamps, cols, rowArrays, labelOffsets, labelConcepts,
                position);
    }

    /**
     * {@link #append} without a copy of the activations: the archive keeps {@code rowArrays} themselves (one array
     * of D values per row) until their segment is written, so the caller must never modify them afterwards. The
     * other arrays are copied.
     *
     * @throws IllegalArgumentException as {@link #append}, and if a row array's length is not {@code cols}
     * @throws IOException as {@link #append}
     */
    public boolean appendRows(String model, String layer, long[] sampleIds, long[] timestamps, int cols,
                              float[][] rowArrays, long[] labelOffsets, int[] labelConcepts, SourceOffset position)
            throws IOException {
        checkOpen();
        LayerKey key = new LayerKey(model, layer);
        AppendBatch b = new AppendBatch(key, sampleIds, timestamps, rowArrays == null ? 0 : rowArrays.length, cols,
                rowArrays, labelOffsets,
                labelConcepts, position);
        if (frontier.isArchived(position)) {
            ignored++;
            return false;
        }
        frontier.noteRecord(position);
        LayerWriter w = layers.get(key);
        boolean fresh = w == null;
        if (fresh) {
            w = new LayerWriter(key, key.directory(root), LayerManifest.empty(key), options, segmentWriter);
        }
        if (w.alreadyTaken(position)) {
            ignored++;
            return false;
        }
        if (b.rows() == 0) {
            return true; // nothing to keep; the record still counted as seen for the frontier
        }
        w.admit(b);
        if (fresh) {
            layers.put(key, w);
        }
        long now = options.clock().millis();
        List<SegmentInfo> written = new ArrayList<>(w.add(b, now));
        written.addAll(flushDue(now));
        if (!written.isEmpty()) {
            storeFrontier();
        }
        return true;
    }

    /**
     * Flushes every layer's buffer, then stores the new frontier. Call between records only.
     *
     * @return the segments written
     * @throws IOException if a layer's flush fails (the others are still flushed; the first failure is thrown)
     */
    public List<SegmentInfo> flush() throws IOException {
        checkOpen();
        return flushLayers(false, 0);
    }

    /**
     * Commits the segments whose background write has finished, flushes the layers whose oldest buffered row was
     * appended at least the maximum segment age before {@code now}, then stores the frontier. Call between records
     * only, and regularly (e.g. from the consumer loop's idle tick): without appends, this is what makes a
     * finished background write durable in the manifest and the frontier.
     *
     * @return the segments committed
     * @throws IOException as {@link #flush()}
     */
    public List<SegmentInfo> flushIfDue(Instant now) throws IOException {
        checkOpen();
        return flushLayers(true, now.toEpochMilli());
    }

    private List<SegmentInfo> flushLayers(boolean onlyDue, long now) throws IOException {
        frontier.markBoundary();
        List<SegmentInfo> written = new ArrayList<>();
        IOException failure = null;
        for (LayerWriter w : layers.values()) {
            try {
                if (onlyDue) {
                    w.settleIfDone(written);
                } else {
                    written.addAll(w.flush());
                }
                if (onlyDue && w.isDue(now)) {
                    written.addAll(w.flush());
                }
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        storeFrontier();
        if (failure != null) {
            throw failure;
        }
        return written;
    }

    /**
     * For tests: waits for every background segment write and commits it (no record boundary, nothing else is
     * flushed), then stores the frontier.
     */
    List<SegmentInfo> awaitSegmentWrites() throws IOException {
        List<SegmentInfo> committed = new ArrayList<>();
        for (LayerWriter w : layers.values()) {
            w.settleWrite(committed);
        }
        storeFrontier();
        return committed;
    }

    private List<SegmentInfo> flushDue(long now) throws IOException {
        List<SegmentInfo> written = new ArrayList<>();
        for (LayerWriter w : layers.values()) {
            if (w.isDue(now)) {
                written.addAll(w.flush());
            }
        }
        return written;
    }

    /** Writes {@code _archive.json} if the frontier moved; only after the manifests it relies on are written. */
    private void storeFrontier() throws IOException {
        Map<SourcePartition, Long> now = frontier.compute(layers.values());
        if (!now.equals(frontier.durable())) {
            ArchiveOffsetsFile.write(root, now);
            frontier.stored(now);
        }
    }

    /**
     * Per source partition, the offset from which the consumer must replay: every record below it has all its rows
     * in flushed (durable) segments. Partitions the archive knows nothing about are absent (replay from the
     * statistics offset or the beginning). As stored in {@code _archive.json}; it lags the newest record until a
     * record boundary ({@link #flush()}, {@link #flushIfDue}) or a later record of the partition.
     */
    public Map<SourcePartition, Long> archivedOffsets() {
        return frontier.durable();
    }

    /** Appends ignored because their record was already archived (replays), since open. */
    public long ignoredAppends() {
        return ignored;
    }

    /** What {@link #open} adopted, deleted, quarantined and found duplicated. */
    public ReconcileReport reconcileReport() {
        return report;
    }

    /**
     * Opens a window over a layer's flushed, retained rows. Buffered rows are not visible. The window pins its
     * segment files against retention until closed.
     *
     * @param conceptCount C, the number of label columns; every stored concept index must be below it; or
     *     {@link #CONCEPTS_FROM_LABELS}
     * @throws IllegalArgumentException if the layer is not in the archive, or a concept index is {@code >= C}
     * @throws IOException if a segment cannot be read (the message names the file)
     */
    public ArchiveWindow window(String model, String layer, WindowSpec spec, int conceptCount) throws IOException {
        checkOpen();
        LayerWriter w = layer(new LayerKey(model, layer));
        LayerManifest m = w.manifest();
        if (m.features() == 0 && w.features() > 0) {
            m = m.withFeatures(w.features());
        }
        return WindowReader.open(w.key(), w.directory(), m, spec, conceptCount, pins);
    }

    /**
     * Drops whole segments from the oldest end of each layer per {@code policy} ({@code now} from the options'
     * clock): each affected manifest is rewritten atomically first, then the files are deleted (files still read
     * by open windows when those close). The layers' offsets are kept, so dropped records are not archived again.
     *
     * @return the dropped segments, by layer then age
     * @throws IOException if a manifest cannot be rewritten (layers already processed stay dropped)
     */
    public List<DroppedSegment> applyRetention(RetentionPolicy policy) throws IOException {
        checkOpen();
        Map<LayerKey, LayerManifest> manifests = new TreeMap<>(BY_NAME);
        for (LayerWriter w : layers.values()) {
            manifests.put(w.key(), w.manifest());
        }
        Map<LayerKey, Integer> plan = new TreeMap<>(BY_NAME);
        plan.putAll(RetentionPlanner.plan(manifests, policy, options.clock().millis()));
        List<DroppedSegment> dropped = new ArrayList<>();
        for (Map.Entry<LayerKey, Integer> e : plan.entrySet()) {
            LayerWriter w = layers.get(e.getKey());
            LayerManifest m = w.manifest();
            List<SegmentInfo> gone = List.copyOf(m.segments().subList(0, e.getValue()));
            LayerManifest kept = m.withoutFirst(e.getValue());
            kept.write(w.directory());
            w.replaceManifest(kept);
            for (SegmentInfo s : gone) {
                pins.deleteWhenUnpinned(s.file());
                dropped.add(new DroppedSegment(e.getKey(), s));
            }
            LOG.info("{}: retention dropped {} segments ({} rows)", e.getKey(), gone.size(),
                    gone.stream().mapToLong(SegmentInfo::rows).sum());
        }
        return dropped;
    }

    /** Every layer known to the archive (on disk or appended since open), by model then layer name. */
    public List<LayerSummary> layers() {
        checkOpen();
        List<LayerSummary> out = new ArrayList<>();
        for (LayerWriter w : layers.values()) {
            LayerManifest m = w.manifest();
            out.add(new LayerSummary(w.key(), Math.max(m.features(), w.features()), m.rows(), m.segments().size(),
                    m.bytes(), w.bufferedRows()));
        }
        return out;
    }

    /**
     * The number of features of a layer as the archive knows it (from its segments or from rows buffered since
     * open), or 0 for a layer it has not seen: the D a new record of that layer must have.
     */
    public int features(String model, String layer) {
        checkOpen();
        LayerWriter w = layers.get(new LayerKey(model, layer));
        return w == null ? 0 : Math.max(w.manifest().features(), w.features());
    }

    /** The model ids present, sorted. */
    public Set<String> models() {
        checkOpen();
        Set<String> out = new LinkedHashSet<>();
        for (LayerKey k : layers.keySet()) {
            out.add(k.model());
        }
        return out;
    }

    /**
     * The flushed, retained segments of a layer, oldest first.
     *
     * @throws IllegalArgumentException if the layer is not in the archive
     */
    public List<SegmentInfo> segments(String model, String layer) {
        checkOpen();
        return layer(new LayerKey(model, layer)).manifest().segments();
    }

    /** Total size of the retained segment files. */
    public long bytesOnDisk() {
        checkOpen();
        long n = 0;
        for (LayerWriter w : layers.values()) {
            n += w.manifest().bytes();
        }
        return n;
    }

    public Path root() {
        return root;
    }

    /**
     * Flushes every layer (a record boundary), stores the frontier and releases the root lock. Idempotent. Open
     * windows stay readable.
     *
     * @throws IOException if a flush fails; the lock is released anyway and the buffered rows are lost (they are
     *     not below {@link #archivedOffsets()}, so the consumer replays them)
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flushLayers(false, 0);
        } finally {
            closed = true;
            stopSegmentWriter();
            lock.close();
        }
    }

    /** Lets a write in flight finish (its file is then reconciled like any crash leftover), then stops. */
    private void stopSegmentWriter() {
        segmentWriter.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (segmentWriter.awaitTermination(60, TimeUnit.SECONDS)) {
                    break;
                }
                LOG.warn("{}: still waiting for a segment write to finish", root);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * For tests: what a crash does. Buffered rows are lost, nothing is flushed or stored, the lock is released.
     */
    void crash() throws IOException {
        closed = true;
        stopSegmentWriter();
        lock.close();
    }

    private LayerWriter layer(LayerKey key) {
        LayerWriter w = layers.get(key);
        if (w == null) {
            throw new IllegalArgumentException(key + " is not in the archive " + root + "; layers: "
                    + layers.keySet());
        }
        return w;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("stream archive " + root + " is closed");
        }
    }
}
