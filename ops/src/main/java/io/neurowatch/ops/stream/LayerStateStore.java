package io.neurowatch.ops.stream;

import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.SourcePartition;
import io.neurowatch.core.state.StatisticsStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one task owns about its layers — the archive, the statistics with their annotation join, the feature
 * shapes, the CLIP-Dissect heaps and the layers' activity — as one Kafka Streams state store in the task's folder.
 * Its state is a pure function of the task's partition of the activations topic (and the annotation table), so
 * Kafka Streams restores it by replaying that partition ({@code Topology.addReadOnlyStateStore}): on a new owner
 * after a move, on a standby continuously, and after a crash from where the stages' durable offsets left off.
 *
 * <p>Each stage keeps its own durable offsets with its data and ignores a record it already holds, so the store needs
 * no transaction: {@link #committedOffset} is the lowest of them, the replay starts after it, and every stage takes
 * each record exactly once. {@link #apply} is the one path of a record into the state, for live records and replayed
 * ones alike.
 *
 * <p>Used by the task's thread (or the state-updater thread while restoring); the read methods may be called from
 * any thread.
 */
final class LayerStateStore implements StateStore {
    static final String NAME = "layer-state";
    static final String ARCHIVE = "archive";
    static final String STATISTICS = "statistics";
    private static final Logger LOG = LoggerFactory.getLogger(LayerStateStore.class);
    /** Archive segments and the CLIP checkpoint are made durable at most this often on commit points. */
    private static final long DURABLE_EVERY_MILLIS = 30_000;

    private final AnalyzerConfig config;
    private final AnnotationTable annotations;
    private final String annotationTopic;
    private final Consumer<LayerStateStore> opened;
    private final Consumer<LayerStateStore> closed;
    private Path dir;
    private String task;
    private IngestStage ingest;
    private ArchiveStage archive;
    private StatisticsStage statistics;
    private ClipStage clip;
    private final LayerActivity activity;
    private volatile boolean open;
    private long lastDurableMillis;
    private long restored;

    LayerStateStore(AnalyzerConfig config, AnnotationTable annotations, String annotationTopic,
                    LayerActivity activity, Consumer<LayerStateStore> opened, Consumer<LayerStateStore> closed) {
        this.config = config;
        this.activity = activity;
        this.annotations = annotations;
        this.annotationTopic = annotationTopic;
        this.opened = opened;
        this.closed = closed;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        task = context.taskId().toString();
        dir = context.stateDir().toPath().resolve(NAME);
        try {
            Files.createDirectories(dir);
            LayerSchemas schemas = LayerSchemas.open(dir.resolve("schemas.json"));
            archive = ArchiveStage.open(dir.resolve(ARCHIVE), config.archive());
            ingest = new IngestStage(config.ingest(), schemas, archive::features);
            statistics = StatisticsStage.open(dir.resolve(STATISTICS), config.statistics(), config.labels(),
                    annotations, annotationTopic);
            clip = ClipStage.open(dir.resolve("clip-topk.bin"), config.clip());
        } catch (IOException e) {
            closeStages();
            throw new UncheckedIOException("cannot open the state of task " + task + " under " + dir, e);
        }
        // The public restore callbacks hide each record's offset, which a store that keeps its own offsets needs;
        // Kafka Streams' own offset-managing stores use this interface too.
        context.register(root, (RecordBatchingStateRestoreCallback) this::restore);
        open = true;
        opened.accept(this);
    }

    /** Replayed records (a restore, a standby): into the state, with no outputs (those were committed). */
    private void restore(Collection<ConsumerRecord<byte[], byte[]>> records) {
        try {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                SourceOffset pos = new SourceOffset(r.topic(), r.partition(), r.offset());
                apply(ingest.decode(r.key(), r.value(), pos, r.timestamp()), pos, r.timestamp());
                restored++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("restoring task " + task + " under " + dir, e);
        }
    }

    /** Decodes and checks a record (the door); nothing changes yet. */
    IngestStage.Ingested decode(byte[] key, byte[] value, SourceOffset pos, long recordTimestamp) {
        return ingest.decode(key, value, pos, recordTimestamp);
    }

    /**
     * Takes a decoded record into every stage, each of which ignores it if it already holds it: archive, statistics
     * (and the annotation join), CLIP-Dissect heaps, activity. A dead letter only advances the stages' offsets.
     *
     * @return what changed: samples archived now (0 for a dead letter or a record the archive held) and samples
     *     whose annotation joined the histograms with it
     */
    Applied apply(IngestStage.Ingested in, SourceOffset pos, long recordTimestamp) throws IOException {
        if (in instanceof IngestStage.Rejected) {
            archive.skip(pos);
            statistics.skip(pos);
            clip.apply(null, pos);
            return Applied.NOTHING;
        }
        IngestStage.Accepted a = (IngestStage.Accepted) in;
        boolean archived = archive.apply(a.batch(), a.rows(), pos);
        if (archived) {
            ingest.admitted(a.batch());
            activity.record(a.batch(), a.rows(), System.currentTimeMillis());
        }
        int joined = statistics.apply(a.batch(), a.rows(), pos, recordTimestamp, archive);
        clip.apply(a.batch(), pos);
        return new Applied(archived ? a.batch().batchSize() : 0, joined);
    }

    /** What {@link #apply} changed. */
    record Applied(int archived, int joinedEarly) {
        static final Applied NOTHING = new Applied(0, 0);
    }

    /** Idle-time work: segments due by age, retention, the statistics' pending write. */
    List<Long> tick(Instant now) throws IOException {
        archive.tick(now);
        statistics.applyRetention(config.archive(), now.toEpochMilli());
        return statistics.writeIfDue(now.toEpochMilli());
    }

    /** The late-annotation join pass (see {@link StatisticsStage#joinLate}). */
    StatisticsStage.Joined joinLate() throws IOException {
        return statistics.joinLate(archive);
    }

    ArchiveStage archive() {
        return archive;
    }

    ClipStage clip() {
        return clip;
    }

    StatisticsStage statistics() {
        return statistics;
    }

    /** The statistics store, for reads from any thread. */
    StatisticsStore statisticsStore() {
        return statistics.store();
    }

    LayerActivity activity() {
        return activity;
    }

    String task() {
        return task;
    }

    /** Records replayed into this store since it opened (restores and standby updates). */
    long restoredRecords() {
        return restored;
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    @SuppressWarnings("deprecation")
    public boolean managesOffsets() {
        return true;
    }

    /**
     * The last offset every stage holds durably: Kafka Streams replays the partition from the next one. Null when
     * some stage holds nothing yet (the replay starts at the beginning).
     */
    @Override
    public Long committedOffset(TopicPartition partition) {
        SourcePartition p = new SourcePartition(partition.topic(), partition.partition());
        long next = Math.min(Math.min(archive.durableOffsets().getOrDefault(p, 0L),
                        statistics.durableOffsets().getOrDefault(p, 0L)),
                clip.durableOffsets().getOrDefault(p, 0L));
        return next == 0 ? null : next - 1;
    }

    /**
     * A commit point (a move, a clean close, restore progress): the statistics' pending write, and at most every
     * 30 s (or when closing) the archive's buffers and the CLIP checkpoint, so that little is replayed afterwards.
     * The offsets Kafka Streams passes are not stored: every stage keeps its own with its data.
     */
    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        if (!open) {
            return;
        }
        statistics.write();
        long now = System.currentTimeMillis();
        if (now - lastDurableMillis >= DURABLE_EVERY_MILLIS) {
            lastDurableMillis = now;
            try {
                archive.flush();
                clip.checkpoint();
            } catch (IOException e) {
                throw new UncheckedIOException("making task " + task + "'s state durable under " + dir, e);
            }
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Writes everything and closes the stages. Idempotent. */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        closed.accept(this);
        try {
            statistics.write();
            clip.checkpoint();
        } catch (IOException | RuntimeException e) {
            LOG.warn("task {}: final CLIP-Dissect checkpoint failed (it is replayed instead): {}", task,
                    e.getMessage());
        }
        closeStages();
    }

    private void closeStages() {
        try {
            if (archive != null) {
                archive.close();
            }
        } catch (IOException e) {
            LOG.warn("task {}: closing the archive: {}", task, e.getMessage());
        }
        if (statistics != null) {
            statistics.close();
        }
        archive = null;
        statistics = null;
    }

    /**
     * The folders of the layer states an instance keeps under its work dir, one per task it ran ({@code
     * <work dir>/streams/<group.id>/<task>/layer-state}), for tools that read a stopped instance's archive and
     * statistics.
     */
    static List<Path> directories(Path workDir, String groupId) throws IOException {
        Path root = workDir.resolve("streams").resolve(groupId);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> tasks = Files.list(root)) {
            return tasks.map(t -> t.resolve(NAME)).filter(Files::isDirectory).sorted().toList();
        }
    }

    /** Builds one store per task; {@code opened}/{@code closed} let the analyzer's read view find them. */
    static final class Builder implements StoreBuilder<LayerStateStore> {
        private final AnalyzerConfig config;
        private final AnnotationTable annotations;
        private final String annotationTopic;
        private final LayerActivity activity;
        private final Consumer<LayerStateStore> opened;
        private final Consumer<LayerStateStore> closed;

        Builder(AnalyzerConfig config, AnnotationTable annotations, String annotationTopic, LayerActivity activity,
                Consumer<LayerStateStore> opened, Consumer<LayerStateStore> closed) {
            this.config = config;
            this.activity = activity;
            this.annotations = annotations;
            this.annotationTopic = annotationTopic;
            this.opened = opened;
            this.closed = closed;
        }

        @Override
        public StoreBuilder<LayerStateStore> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<LayerStateStore> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<LayerStateStore> withLoggingEnabled(Map<String, String> topicConfig) {
            throw new UnsupportedOperationException("the layer state is restored from the activations topic itself");
        }

        @Override
        public StoreBuilder<LayerStateStore> withLoggingDisabled() {
            return this;
        }

        @Override
        public LayerStateStore build() {
            return new LayerStateStore(config, annotations, annotationTopic, activity, opened, closed);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return NAME;
        }
    }
}
