package io.neurowatch.ops.stream;

import io.neurowatch.connectors.archive.ArchiveWindow;
import io.neurowatch.connectors.archive.LayerSummary;
import io.neurowatch.connectors.archive.StreamArchive;
import io.neurowatch.connectors.archive.WindowSpec;
import io.neurowatch.core.LabelMatrix;
import io.neurowatch.core.state.LayerBatch;
import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.SourcePartition;
import io.neurowatch.core.state.StatisticsStore;
import io.neurowatch.core.state.StatisticsUpdate;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ConceptLabels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The RocksDB statistics of one task's layers: a quantile sketch per neuron and, for labelled samples, a histogram
 * per (neuron, concept). Owns the join of annotations to the layers' samples, because what the join adds is
 * statistics.
 *
 * <h2>Exactly once without a transaction</h2>
 * Every write carries the source offsets it covers, in the same RocksDB write batch, and a record below them is never
 * applied again. Writes are gathered over records (each write re-serialises every sketch it touches), so the durable
 * offsets lag; what was pending at a crash is simply replayed from them.
 *
 * <h2>Annotations, each counted once per (sample, layer)</h2>
 * A sample's labels reach the histograms with the rows of its layers, once: inline labels with the record; an
 * annotation either when the sample's record arrives (if the annotation table already holds it, at a position the
 * join has passed) or when the join's cursor passes the annotation (if the sample is then in the join window of
 * recent samples). The cursor, per partition of the validated-annotations topic, is stored with the statistics it
 * produced; whether a sample was counted therefore follows from the cursor alone, after any restart or move, and
 * replaying records or the table gives the same counts. Only a sample's first annotation counts; later ones change
 * only the label runs.
 *
 * <p>Not thread-safe (the task's thread); reads of the store are.
 */
final class StatisticsStage implements AutoCloseable {
    /**
     * While behind, statistics of consecutive records are written together up to this many activation values (64
     * MiB of floats). Measured with bench stream: one write per 32 records held ingestion to about 45k samples/s,
     * writes of about 100 records reached 50-80k.
     */
    static final long WRITE_VALUES = 16L << 20;
    /** Arrivals a late-join pass reads per partition, bounding the work of one pass. */
    static final int JOIN_BATCH = 50_000;
    /** No record for this long: the stream has caught up, and pending statistics are written for latency. */
    static final long IDLE_MILLIS = 20;
    /** Pending statistics wait at most this long, also while records keep coming. */
    static final long MAX_PENDING_MILLIS = 1_000;

    private final StatisticsSettings settings;
    private final LabelSettings labels;
    private final StatisticsStore store;
    private final AnnotationTable annotations;
    private final String annotationTopic;
    private final PendingStatistics pending = new PendingStatistics();
    /** Per partition, the first offset not yet applied (durable or pending). */
    private final Map<SourcePartition, Long> next = new HashMap<>();
    private final RecentActivations recent;
    /** Per partition of the validated-annotations topic, the last offset the join has passed. */
    private final Map<Integer, Long> cursor = new HashMap<>();
    /** The cursor as the store holds it: the next offset per partition. */
    private final Map<Integer, Long> storedCursor = new HashMap<>();
    private boolean cursorReady;
    private long lastApplyMillis;
    private long firstPendingMillis;
    private boolean windowFilled;

    private StatisticsStage(StatisticsSettings settings, LabelSettings labels, StatisticsStore store,
                            AnnotationTable annotations, String annotationTopic) {
        this.settings = settings;
        this.labels = labels;
        this.store = store;
        this.annotations = annotations;
        this.annotationTopic = annotationTopic;
        this.recent = new RecentActivations(settings.lateHistograms() ? settings.annotationWindow() : 0);
        store.committedOffsets().forEach((p, o) -> {
            if (p.topic().equals(annotationTopic)) {
                cursor.put(p.partition(), o - 1);
                storedCursor.put(p.partition(), o);
            } else {
                next.put(p, o);
            }
        });
    }

    /**
     * @param annotationTopic the validated-annotations topic whose positions are the join's cursor
     * @throws IOException naming the path if the store cannot be opened
     */
    static StatisticsStage open(Path dir, StatisticsSettings settings, LabelSettings labels,
                                AnnotationTable annotations, String annotationTopic) throws IOException {
        return new StatisticsStage(settings, labels, StatisticsStore.open(dir, settings.store()), annotations,
                annotationTopic);
    }

    /** Whether a record still has to reach the statistics (it is at or after the applied offsets). */
    boolean needs(SourceOffset pos) {
        return pos.offset() >= next.getOrDefault(pos.sourcePartition(), 0L);
    }

    /**
     * Notes an accepted batch: its statistics if they are new, and its rows in the join window either way (a
     * replayed sample is still one a late annotation may join).
     *
     * @param archive to refill the join window from, the first time
     * @return the samples whose annotation joined the histograms with this record
     */
    int apply(ActivationBatch b, float[][] rows, SourceOffset pos, long recordTimestamp, ArchiveStage archive)
            throws IOException {
        startCursor();
        fillWindow(archive);
        ConceptLabels inline = b.labels();
        boolean labelled = settings.trackConcepts() && inline != null && inline.conceptIds().length > 0;
        recent.add(b, rows, b.timestampsMillis(), labelled);
        Entries early = labelled ? Entries.NONE : earlyAnnotations(b);
        for (int i = 0; i < early.concepts.length; i++) {
            if (early.concepts[i] != null) {
                recent.markCounted(b.modelId(), b.sampleId(i));
            }
        }
        if (!needs(pos)) {
            return 0;
        }
        pending.add(layerBatch(b, rows), recordTimestamp);
        if (early.count > 0) {
            List<RecentActivations.Row> matched = new ArrayList<>();
            for (int i = 0; i < early.concepts.length; i++) {
                if (early.concepts[i] != null) {
                    matched.add(new RecentActivations.Row(b.timestampsMillis()[i], rows[i], early.concepts[i]));
                }
            }
            LayerBatch update = RecentActivations.labelsUpdate(b.modelId(), b.layer(), matched, labels::conceptId);
            if (update != null) {
                pending.addLabels(update);
            }
        }
        consumed(pos);
        return early.count;
    }

    /** A record that produced no rows (a dead letter): its offset still counts. */
    void skip(SourceOffset pos) throws IOException {
        startCursor();
        if (needs(pos)) {
            consumed(pos);
        }
    }

    private void consumed(SourceOffset pos) throws IOException {
        long now = System.currentTimeMillis();
        if (pending.isEmpty()) {
            firstPendingMillis = now;
        }
        lastApplyMillis = now;
        pending.consumed(pos);
        next.merge(pos.sourcePartition(), pos.offset() + 1, Math::max);
        if (pending.values() >= WRITE_VALUES) {
            write();
        }
    }

    /**
     * At a tick: writes what is pending when the stream seems caught up (no record for {@value #IDLE_MILLIS} ms) or
     * the oldest pending record waited {@value #MAX_PENDING_MILLIS} ms. Behind, records keep coming and their
     * statistics accumulate up to {@link #WRITE_VALUES}: fewer, larger writes are what drains a backlog.
     */
    List<Long> writeIfDue(long nowMillis) {
        if (pending.isEmpty() && !cursorAdvanced()) {
            return List.of();
        }
        if (nowMillis - lastApplyMillis >= IDLE_MILLIS || nowMillis - firstPendingMillis >= MAX_PENDING_MILLIS) {
            return write();
        }
        return List.of();
    }

    /**
     * Writes what is pending, with the offsets it covers, in one RocksDB write.
     *
     * @return the Kafka timestamps of the records written (for the ingest-latency metric)
     */
    List<Long> write() {
        if (pending.isEmpty() && !cursorAdvanced()) {
            return List.of();
        }
        List<SourceOffset> offsets = new ArrayList<>(pending.offsets());
        Map<Integer, Long> advanced = new HashMap<>();
        cursor.forEach((p, last) -> {
            if (last + 1 > storedCursor.getOrDefault(p, 0L)) {
                offsets.add(new SourceOffset(annotationTopic, p, last));
                advanced.put(p, last + 1);
            }
        });
        // The cursor goes with the statistics it produced: a stored cursor never covers a join that is not stored.
        store.apply(StatisticsUpdate.of(pending.updates()), offsets);
        storedCursor.putAll(advanced);
        List<Long> written = List.copyOf(pending.recordTimestamps());
        pending.clear();
        return written;
    }

    /** What one late-join pass did: annotations that found their sample in the window, and those that did not. */
    record Joined(int matched, int unmatched) {
        static final Joined NONE = new Joined(0, 0);
    }

    /**
     * One pass of the late join: the annotations that arrived since the cursor join the samples of the join window
     * that have not been counted; the histogram updates and the new cursor are one write, after everything pending
     * (so a stored cursor never covers a join whose rows are not stored). Annotations of models this task has no
     * layer of are passed over without a count.
     */
    Joined joinLate(ArchiveStage archive) throws IOException {
        if (!settings.lateHistograms() || annotations == null || !annotations.attached()) {
            return Joined.NONE;
        }
        fillWindow(archive);
        java.util.Set<String> models = archive.archive().models();
        startCursor();
        List<io.neurowatch.core.state.AnnotationStore.Annotation> first = new ArrayList<>();
        List<Integer> passed = new ArrayList<>();
        for (Map.Entry<Integer, Long> newest : annotations.newestOffsets().entrySet()) {
            int p = newest.getKey();
            long from = cursor.getOrDefault(p, -1L);
            if (newest.getValue() <= from) {
                continue;
            }
            List<AnnotationTable.Arrival> arrivals = annotations.since(p, from, JOIN_BATCH);
            for (AnnotationTable.Arrival a : arrivals) {
                AnnotationTable.Entry e = models.contains(a.model()) ? annotations.lookup(a.model(), a.sampleId())
                        : null;
                if (e != null) {
                    // A repeat finds its sample counted already (by its first annotation), and counts nothing.
                    first.add(new io.neurowatch.core.state.AnnotationStore.Annotation(a.model(), a.sampleId(),
                            e.concepts()));
                }
            }
            if (!arrivals.isEmpty()) {
                cursor.put(p, arrivals.get(arrivals.size() - 1).offset());
                passed.add(p);
            }
        }
        if (passed.isEmpty()) {
            return Joined.NONE;
        }
        RecentActivations.Joined joined = recent.join(first, labels::conceptId);
        joined.updates().forEach(pending::addLabels);
        write();
        return new Joined(joined.matched(), joined.unmatched());
    }

    private boolean cursorAdvanced() {
        for (Map.Entry<Integer, Long> e : cursor.entrySet()) {
            if (e.getValue() + 1 > storedCursor.getOrDefault(e.getKey(), 0L)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A store that has taken no record yet (new, or wiped and being rebuilt by a replay) starts its cursor at what the
     * annotation table holds now: every replayed sample then joins the annotations that were there, at any age,
     * instead of only those still in the join window when the cursor catches up.
     */
    private void startCursor() {
        if (cursorReady) {
            return;
        }
        cursorReady = true;
        if (next.isEmpty() && cursor.isEmpty() && annotations != null && annotations.attached()) {
            cursor.putAll(annotations.newestOffsets());
        }
    }

    /** Samples of a batch whose annotation the join has already passed, or that the table holds and it passed. */
    private Entries earlyAnnotations(ActivationBatch b) {
        if (!settings.lateHistograms() || annotations == null || !annotations.attached()) {
            return Entries.NONE;
        }
        int[][] out = new int[b.batchSize()][];
        int count = 0;
        for (int i = 0; i < out.length; i++) {
            AnnotationTable.Entry e = annotations.lookup(b.modelId(), b.sampleId(i));
            if (e != null && e.firstOffset() <= cursor.getOrDefault(e.firstPartition(), -1L)) {
                out[i] = e.concepts();
                count++;
            }
        }
        return new Entries(out, count);
    }

    private record Entries(int[][] concepts, int count) {
        static final Entries NONE = new Entries(new int[0][], 0);
    }

    /**
     * The first time: the join window is refilled from the archive's newest rows, each marked counted if it came
     * with inline labels or its sample's first annotation is one the cursor has passed.
     */
    private void fillWindow(ArchiveStage archive) throws IOException {
        if (windowFilled) {
            return;
        }
        windowFilled = true;
        if (!settings.lateHistograms()) {
            return;
        }
        StreamArchive a = archive.archive();
        for (LayerSummary l : a.layers()) {
            if (l.rows() == 0 || l.layer().model().equals(ArchiveStage.NO_ROWS_MODEL)) {
                continue;
            }
            String model = l.layer().model();
            try (ArchiveWindow w = a.window(model, l.layer().layer(), WindowSpec.lastSamples(
                    settings.annotationWindow()), StreamArchive.CONCEPTS_FROM_LABELS)) {
                int n = w.rows();
                int d = w.activations().features();
                double[][] columns = w.activations().readColumns(0, d);
                LabelMatrix inline = w.labels();
                for (int i = 0; i < n; i++) {
                    float[] row = new float[d];
                    for (int j = 0; j < d; j++) {
                        row[j] = (float) columns[j][i];
                    }
                    boolean counted = false;
                    for (int c = 0; c < inline.concepts() && !counted; c++) {
                        counted = inline.get(i, c);
                    }
                    AnnotationTable.Entry e = counted || annotations == null ? null
                            : annotations.lookup(model, w.sampleIds()[i]);
                    counted |= e != null && e.firstOffset() <= cursor.getOrDefault(e.firstPartition(), -1L);
                    recent.put(model, l.layer().layer(), w.sampleIds()[i], w.timestamps()[i], row, counted);
                }
            }
        }
    }

    private LayerBatch layerBatch(ActivationBatch b, float[][] acts) {
        int rows = b.batchSize();
        long[] ts = b.timestampsMillis();
        ConceptLabels inline = b.labels();
        if (inline == null || !settings.trackConcepts() || inline.conceptIds().length == 0) {
            return LayerBatch.wrap(b.modelId(), b.layer(), ts, acts, List.of(), null);
        }
        TreeSet<Integer> present = new TreeSet<>();
        for (int c : inline.conceptIds()) {
            present.add(c);
        }
        List<Integer> ids = new ArrayList<>(present);
        Map<Integer, Integer> column = new HashMap<>();
        for (int k = 0; k < ids.size(); k++) {
            column.put(ids.get(k), k);
        }
        LabelMatrix.Builder lm = LabelMatrix.builder(rows, ids.size());
        for (int i = 0; i < rows; i++) {
            for (int c : inline.conceptsOf(i)) {
                lm.set(i, column.get(c));
            }
        }
        List<String> names = ids.stream().map(labels::conceptId).toList();
        return LayerBatch.wrap(b.modelId(), b.layer(), ts, acts, names, lm.build());
    }

    /** Buckets older than the retention's age are dropped. */
    void applyRetention(ArchiveSettings archive, long nowMillis) {
        if (archive.retention() != null && archive.retention().maxAge() != null) {
            store.dropBucketsBefore(nowMillis - archive.retention().maxAge().toMillis());
        }
    }

    /** Per partition of the activations topic, the first offset not yet in a durable write. */
    Map<SourcePartition, Long> durableOffsets() {
        Map<SourcePartition, Long> out = new HashMap<>(store.committedOffsets());
        out.keySet().removeIf(p -> p.topic().equals(annotationTopic));
        return out;
    }

    StatisticsStore store() {
        return store;
    }

    @Override
    public void close() {
        write();
        store.close();
    }
}
