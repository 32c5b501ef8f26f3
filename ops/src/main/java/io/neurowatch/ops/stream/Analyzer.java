package io.neurowatch.ops.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.neurowatch.analyzers.artifacts.ArtifactAlert;
import io.neurowatch.analyzers.artifacts.ArtifactDetector;
import io.neurowatch.analyzers.artifacts.DetectorBank;
import io.neurowatch.analyzers.artifacts.NeuronDistribution;
import io.neurowatch.analyzers.labels.InvertLabeller;
import io.neurowatch.analyzers.labels.LabelChange;
import io.neurowatch.analyzers.labels.LabelDriftTracker;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.connectors.archive.ArchiveWindow;
import io.neurowatch.connectors.archive.LayerSummary;
import io.neurowatch.connectors.archive.StreamArchive;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.KafkaRecordSource;
import io.neurowatch.connectors.kafka.KafkaSourceOptions;
import io.neurowatch.connectors.kafka.KafkaSourceStats;
import io.neurowatch.connectors.kafka.KafkaTopics;
import io.neurowatch.connectors.kafka.PolledRecord;
import io.neurowatch.connectors.kafka.TopicSnapshot;
import io.neurowatch.connectors.kafka.TopicSpec;
import io.neurowatch.core.Concept;
import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.LabelMatrix;
import io.neurowatch.core.state.LayerBatch;
import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.SourcePartition;
import io.neurowatch.core.state.StatisticsStore;
import io.neurowatch.core.state.StatisticsUpdate;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ActivationBatchCodec;
import io.neurowatch.core.wire.ConceptLabels;
import io.neurowatch.core.wire.WireFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The streaming analyzer: Kafka activation batches → decode and validate → HDF5 archive → RocksDB statistics →
 * periodic INVERT labels on the labels topic, with label-change events and a dead-letter topic.
 *
 * <h2>Threads</h2>
 * The Kafka consumer lives on its own polling thread ({@link KafkaRecordSource}). Records are handed with bounded
 * prefetch to one dedicated <em>writer</em> thread that owns the archive and the statistics store (both are
 * single-writer, blocking clients); when it falls behind, demand stops and the source pauses its partitions. Label
 * runs are CPU-bound and run on a separate <em>labeller</em> thread over immutable, flushed archive segments, so
 * ingestion continues while they run; only one label run is in flight at a time.
 *
 * <h2>Exactly once</h2>
 * The statistics store commits each record's effect together with its offset in one RocksDB write batch; the
 * archive records, per segment, the offsets it covers. On start the source seeks every partition to the lower of
 * the two, and each sink skips records it already holds, so after any crash every record reaches the statistics
 * once and every sample id is archived once. Kafka group commits (the lower of the two) are informational: they
 * make consumer lag visible. Dead-letter records may be published again after a crash (at least once); their
 * headers carry the source offset for de-duplication.
 */
public final class Analyzer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Analyzer.class);
    /** A pseudo layer that advances the archive's offsets for records that produced no rows (dead letters). */
    private static final String NO_ROWS_MODEL = "_nw";
    private static final String NO_ROWS_LAYER = "_skipped";

    private final AnalyzerConfig config;
    private final MeterRegistry metrics;
    private final Consumer<String> announcer;
    private final Counter records;
    private final Counter samples;
    private final Counter bytes;
    private final Counter deadLetters;
    private final Counter labelRuns;
    private final Counter labelChanges;
    private final Timer labelRunTime;
    private final Timer ingestLatency;
    private final io.micrometer.core.instrument.DistributionSummary statsWriteRecords;
    private final Counter lateMatched;
    private final Counter lateUnmatched;
    private final Counter earlyJoined;
    /** Models with stored annotations, so batches of the others skip the lookup; writer thread only. */
    private final Map<String, Boolean> annotatedModels = new HashMap<>();
    private final Counter artifactAlerts;
    private final Counter infectedAlerts;
    private final Timer alertLatency;

    private StatisticsStore stats;
    private io.neurowatch.core.state.AnnotationStore annotations;
    private KafkaRecordSource annotationSource;
    private Disposable annotationPipeline;
    private final Map<SourcePartition, Long> annotationNext = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicLong unmatched = new java.util.concurrent.atomic.AtomicLong();
    private StreamArchive archive;
    private KafkaRecordSink sink;
    private KafkaRecordSource source;
    private Scheduler writer;
    private Scheduler labeller;
    private Disposable pipeline;
    private Disposable ticker;
    private final Map<SourcePartition, Long> statsNext = new HashMap<>();
    private final LabelDriftTracker drift = new LabelDriftTracker();
    /** Records handed to the writer per group (and as many prefetched): about 32 MiB at D = 512, B = 256. */
    private static final int GROUP_RECORDS = 64;
    /**
     * While behind, statistics of consecutive full groups are written together up to this many activation values
     * (64 MiB of floats, shared with the archive buffer). Measured with bench stream: one write per group of 32
     * records (8k samples at D = 512) held ingestion to about 45k samples/s, writes of about 100 records reached
     * 50-80k.
     */
    private static final long STATS_WRITE_VALUES = 16L << 20;
    private final LayerActivity activity = new LayerActivity(10);
    /** Written in one RocksDB write when a group comes up short or the budget is reached; writer thread only. */
    private final PendingStatistics pendingStats = new PendingStatistics();
    private LayerSchemas schemas;
    /** The join window of late annotations and the histograms; writer thread only. */
    private RecentActivations recent;
    private final reactor.core.publisher.Sinks.Many<String> events =
            reactor.core.publisher.Sinks.many().multicast().directBestEffort();
    private final AtomicBoolean labelling = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong lag = new java.util.concurrent.atomic.AtomicLong(-1);
    private org.apache.kafka.clients.admin.Admin admin;
    private long lastLagCheckMillis;
    private long samplesSinceLabel;
    private volatile long lastLabelRunMillis;
    private volatile Throwable failure;
    /** Writer-confined; dashboards read {@link #detectorStates}. */
    private DetectorBank detectors;
    private volatile List<DetectorBank.DetectorState> detectorSnapshot = List.of();
    private long lastThresholdRefreshMillis;
    private RegisteredModelDora modelDora;
    private final Map<String, DoraReport> doraReports = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Consumer<DoraReport>> doraListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Writer-confined streaming CLIP-Dissect state and the offsets it has seen. */
    private ClipCheckpoint clip;

    /**
     * @param announcer receives one human line per label run and per label change (the demo prints them)
     */
    public Analyzer(AnalyzerConfig config, MeterRegistry metrics, Consumer<String> announcer) {
        this.config = config;
        this.metrics = metrics;
        this.announcer = announcer;
        this.records = metrics.counter("neurowatch.records");
        this.samples = metrics.counter("neurowatch.samples");
        this.bytes = metrics.counter("neurowatch.bytes");
        this.deadLetters = metrics.counter("neurowatch.dead.letters");
        this.labelRuns = metrics.counter("neurowatch.label.runs");
        this.labelChanges = metrics.counter("neurowatch.label.changes");
        this.labelRunTime = metrics.timer("neurowatch.label.run");
        this.ingestLatency = Timer.builder("neurowatch.ingest.latency")
                .description("record timestamp (producer clock) to statistics committed")
                .publishPercentiles(0.5, 0.99).register(metrics);
        this.statsWriteRecords = io.micrometer.core.instrument.DistributionSummary
                .builder("neurowatch.statistics.write.records")
                .description("records whose statistics one RocksDB write carries").register(metrics);
        this.lateMatched = metrics.counter("neurowatch.annotations.late", "joined", "matched");
        this.lateUnmatched = metrics.counter("neurowatch.annotations.late", "joined", "unmatched");
        this.earlyJoined = metrics.counter("neurowatch.annotations.late", "joined", "early");
        this.artifactAlerts = metrics.counter("neurowatch.alerts", "type", "artifact");
        this.infectedAlerts = metrics.counter("neurowatch.alerts", "type", "infected_neuron");
        this.alertLatency = Timer.builder("neurowatch.alert.latency")
                .description("record timestamp (producer clock) to artifact alert handed to the producer")
                .publishPercentiles(0.5, 0.99).register(metrics);
    }

    /**
     * Opens the state, creates missing topics and starts consuming. Blocking (opens files, talks to Kafka).
     *
     * @throws IOException if the state or archive cannot be opened (the message names the path)
     */
    public synchronized void start() throws IOException {
        Files.createDirectories(config.workDir());
        stats = StatisticsStore.open(config.workDir().resolve("state"), config.statistics().store());
        archive = StreamArchive.open(config.workDir().resolve("archive"), config.archive().options());
        schemas = LayerSchemas.open(config.workDir().resolve("schemas.json"));
        recent = new RecentActivations(config.statistics().lateHistograms() ? config.statistics().annotationWindow() : 0);
        annotations = io.neurowatch.core.state.AnnotationStore.open(config.workDir().resolve("annotations"),
                config.statistics().store().syncWrites());
        long reloaded = recent.reload(archive, annotations);
        if (reloaded > 0) {
            LOG.info("late-annotation window refilled with {} archived rows", reloaded);
        }
        statsNext.putAll(stats.committedOffsets());
        startClip();
        createTopics();
        sink = new KafkaRecordSink(clientProperties());
        restoreLabels();
        startDetectors();
        if (config.model() != null) {
            java.util.Set<String> analysed = new java.util.HashSet<>();
            String prefix = "dora " + config.model().modelId() + "@";
            for (DetectorBank.DetectorState st : detectorSnapshot) {
                if (st.origin().startsWith(prefix)) {
                    analysed.add(st.origin().substring(prefix.length()));
                }
            }
            ModelSettings m = config.model();
            modelDora = new RegisteredModelDora(m, config.workDir().resolve("sams"), analysed,
                    (version, neurons, nof, outcome) -> {
                        reportInfected(m.modelId(), version, m.layer(), neurons, nof);
                        DoraReport r = new DoraReport(m.modelId(), version, m.layer(), outcome);
                        doraReports.put(m.modelId() + "/" + m.layer(), r);
                        doraListeners.forEach(l -> l.accept(r));
                    });
        }
        metrics.gauge("neurowatch.archive.bytes", this, a -> a.archive == null ? 0 : a.archive.bytesOnDisk());
        metrics.gauge("neurowatch.consumer.lag", lag, java.util.concurrent.atomic.AtomicLong::get);
        admin = org.apache.kafka.clients.admin.Admin.create(clientProperties());
        writer = blockingThread("analyzer-writer");
        labeller = blockingThread("analyzer-labeller");
        source = new KafkaRecordSource(sourceOptions(config.kafka().groupId(), config.topics().activations())
                .withStartOffsets(this::startOffsets));
        metrics.gauge("neurowatch.source.pending.bytes", source, s -> s.stats().pendingBytes());
        pipeline = source.records()
                .publishOn(writer, GROUP_RECORDS)
                .bufferTimeout(GROUP_RECORDS, Duration.ofMillis(20), writer, true)
                .subscribe(this::process, this::fail);
        ticker = Flux.interval(Duration.ofSeconds(1), writer).subscribe(t -> tick(), this::fail);
        startAnnotations();
        LOG.info("analyzer started: topics {}, work dir {}, resuming at {}", config.topics().activations(),
                config.workDir(), statsNext);
    }

    /**
     * Late labels: the annotations topic is consumed into a RocksDB store (annotations and offsets in one write),
     * and every label run joins them to the archived samples of its window by sample id. The label window is the
     * join window: annotations of samples outside it are not used.
     */
    private void startAnnotations() {
        annotationNext.putAll(annotations.committedOffsets());
        metrics.gauge("neurowatch.join.unmatched", unmatched, java.util.concurrent.atomic.AtomicLong::get);
        annotationSource = new KafkaRecordSource(sourceOptions(config.kafka().groupId() + "-annotations",
                config.topics().annotations()).withStartOffsets(parts -> {
            Map<TopicPartition, Long> out = new HashMap<>();
            Map<SourcePartition, Long> stored = annotations.committedOffsets();
            Map<SourcePartition, Long> inStatistics = stats.committedOffsets();
            for (TopicPartition tp : parts) {
                SourcePartition sp = new SourcePartition(tp.topic(), tp.partition());
                long next = stored.getOrDefault(sp, 0L);
                // Late histograms keep their own offsets with the statistics: resume at the lower of the two.
                out.put(tp, config.statistics().lateHistograms() ? Math.min(next, inStatistics.getOrDefault(sp, 0L)) : next);
            }
            return out;
        }));
        annotationPipeline = annotationSource.records()
                .publishOn(writer, 256)
                .bufferTimeout(256, Duration.ofMillis(20), writer, true)
                .subscribe(this::processAnnotations, this::fail);
    }

    /** On the writer: decode a group of annotation records and store them with their offsets. */
    private void processAnnotations(List<PolledRecord> group) {
        try {
            List<io.neurowatch.core.state.AnnotationStore.Annotation> good = new ArrayList<>();
            List<SourceOffset> consumed = new ArrayList<>();
            List<io.neurowatch.core.state.AnnotationStore.Annotation> late = new ArrayList<>();
            List<SourceOffset> lateConsumed = new ArrayList<>();
            for (PolledRecord r : group) {
                SourceOffset pos = new SourceOffset(r.topic(), r.partition(), r.offset());
                boolean stored = pos.offset() < annotationNext.getOrDefault(pos.sourcePartition(), 0L);
                boolean inHistograms = !config.statistics().lateHistograms()
                        || pos.offset() < statsNext.getOrDefault(pos.sourcePartition(), 0L);
                if (stored && inHistograms) {
                    continue;
                }
                if (!stored) {
                    consumed.add(pos);
                }
                if (!inHistograms) {
                    lateConsumed.add(pos);
                }
                try {
                    if (r.isTombstone()) {
                        throw new WireFormatException(WireFormatException.Reason.TRUNCATED, 0, "empty record value");
                    }
                    io.neurowatch.core.wire.SampleAnnotation a = io.neurowatch.core.wire.SampleAnnotationCodec
                            .decode(r.valueBuffer(), config.ingest().maxRecordBytes());
                    io.neurowatch.core.state.AnnotationStore.Annotation annotation =
                            new io.neurowatch.core.state.AnnotationStore.Annotation(a.modelId(), a.sampleId(),
                                    a.conceptIds());
                    if (!stored) {
                        good.add(annotation);
                    }
                    if (!inHistograms) {
                        late.add(annotation);
                    }
                } catch (WireFormatException e) {
                    if (!stored) {
                        deadLetter(r, e.reason().name(), e.getMessage());
                    }
                }
            }
            if (!consumed.isEmpty()) {
                annotations.apply(good, consumed);
                for (io.neurowatch.core.state.AnnotationStore.Annotation a : good) {
                    annotatedModels.put(a.model(), true);
                }
                // New annotations change the labels of archived samples: they count towards the next label run.
                samplesSinceLabel += good.size();
                for (SourceOffset pos : consumed) {
                    annotationNext.merge(pos.sourcePartition(), pos.offset() + 1, Math::max);
                }
            }
            if (!lateConsumed.isEmpty()) {
                // The histogram updates and the annotation offsets they consumed, in one statistics write.
                RecentActivations.Joined joined = recent.join(late, this::conceptId);
                stats.apply(StatisticsUpdate.of(joined.updates()), lateConsumed);
                for (SourceOffset pos : lateConsumed) {
                    statsNext.merge(pos.sourcePartition(), pos.offset() + 1, Math::max);
                }
                lateMatched.increment(joined.matched());
                lateUnmatched.increment(joined.unmatched());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }


    /** Detectors from the work dir (found earlier, thresholds kept) and from the configuration. */
    private void startDetectors() throws IOException {
        detectors = config.alerts().newBank();
        for (DetectorBank.DetectorState s : DetectorFile.read(detectorFile())) {
            detectors.restore(s);
        }
        if (!detectors.register(config.alerts().detectors(), "config").isEmpty()) {
            DetectorFile.write(detectorFile(), detectors.states());
        }
        detectorSnapshot = detectors.states();
    }

    private java.nio.file.Path detectorFile() {
        return config.workDir().resolve("detectors.json");
    }

    /** On the writer: thresholds from the statistics' quantile sketches, at most every {@code alerts.refresh}. */
    private void refreshThresholds(boolean now) throws IOException {
        long t = System.currentTimeMillis();
        if (detectors.isEmpty() || (!now && t - lastThresholdRefreshMillis < config.alerts().refresh().toMillis())) {
            return;
        }
        lastThresholdRefreshMillis = t;
        // Each merged sketch is read once per refresh: the bank asks for a neuron's count, then its quantile.
        Map<ArtifactDetector, io.neurowatch.core.state.NeuronSketch> read = new HashMap<>();
        java.util.function.Function<ArtifactDetector, io.neurowatch.core.state.NeuronSketch> sketch =
                d -> read.computeIfAbsent(d, k -> stats.sketch(k.model(), k.layer(), k.neuron()));
        boolean froze = detectors.refresh(new NeuronDistribution() {
            @Override
            public long count(ArtifactDetector d) {
                return knownNeuron(d) ? sketch.apply(d).count() : 0;
            }

            @Override
            public double quantile(ArtifactDetector d, double rank) {
                return sketch.apply(d).quantiles(rank)[0];
            }
        });
        if (froze) {
            DetectorFile.write(detectorFile(), detectors.states());
        }
        detectorSnapshot = detectors.states();
    }

    private boolean knownNeuron(ArtifactDetector d) {
        return stats.layers(d.model()).contains(d.layer()) && d.neuron() < stats.neurons(d.model(), d.layer()).size();
    }

    /**
     * On the writer, as soon as a batch is decoded: every sample above a detector's threshold becomes an alert on
     * the alerts topic and the event stream. Sent without waiting for the broker, so ingestion never stalls on it;
     * a crash before the send completes loses nothing that a replay would not send again.
     */
    private void score(ActivationBatch b, PolledRecord r) {
        if (detectors.isEmpty()) {
            return;
        }
        List<ArtifactAlert> alerts = detectors.score(b.modelId(), b.layer(), b.sampleIds(), b.timestampsMillis(),
                b.activations(), b.features());
        if (alerts.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        String source = r.topic() + "-" + r.partition() + "@" + r.offset();
        for (ArtifactAlert a : alerts) {
            byte[] json = AlertJson.artifact(a, source, now);
            sink.send(config.topics().alerts(), AlertJson.key(a.detector()), json, null)
                    .subscribe(null, e -> LOG.warn("artifact alert not delivered: {}", e.getMessage()));
            emit(json);
            if (now >= r.timestamp()) {
                alertLatency.record(Duration.ofMillis(now - r.timestamp()));
            }
        }
        artifactAlerts.increment(alerts.size());
    }

    /**
     * Makes neurons artifact detectors from now on and publishes an {@code infected_neuron} alert for each new
     * one; called when DORA flags neurons of a registered model. Blocking (waits for the writer and the broker).
     *
     * @param flagged the neurons, most outlying first
     * @param nof their negative outlier factors, parallel to {@code flagged}
     */
    public void reportInfected(String model, String modelVersion, String layer, List<Integer> flagged, double[] nof) {
        Mono.fromCallable(() -> {
            List<ArtifactDetector> ds = flagged.stream().map(n -> new ArtifactDetector(model, layer, n)).toList();
            List<ArtifactDetector> added = detectors.register(ds, "dora " + model + "@" + modelVersion);
            DetectorFile.write(detectorFile(), detectors.states());
            refreshThresholds(true);
            return added;
        }).subscribeOn(writer).flatMapMany(added -> {
            List<Mono<?>> sends = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (int i = 0; i < flagged.size(); i++) {
                ArtifactDetector d = new ArtifactDetector(model, layer, flagged.get(i));
                byte[] json = AlertJson.infected(d, modelVersion, i, nof[i], now);
                sends.add(sink.send(config.topics().alerts(), AlertJson.key(d), json, null));
                emit(json);
                infectedAlerts.increment();
            }
            return Flux.concat(sends);
        }).blockLast(Duration.ofSeconds(60));
    }

    /**
     * Calls {@code listener} with every in-process DORA result, those finished already first. Listeners run on the
     * DORA thread and must not block for long.
     */
    public void onDoraResult(Consumer<DoraReport> listener) {
        doraListeners.add(listener);
        doraReports.values().forEach(listener);
    }

    /** The artifact detectors and their current thresholds (a snapshot, refreshed every second). */
    public List<DetectorBank.DetectorState> detectorStates() {
        return detectorSnapshot;
    }

    /** The writer and the labeller both publish events; a sink must not be fed from two threads at once. */
    private void emit(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        synchronized (events) {
            events.tryEmitNext(text);
        }
    }

    /** The latest label of every neuron and method (published or restored from the labels topic). */
    public List<NeuronLabel> currentLabels() {
        return drift.snapshot();
    }

    /** Per layer since start: model version, D, samples, last batch time, and each neuron's top samples. */
    public LayerActivity activity() {
        return activity;
    }

    /** The statistics (reads are thread-safe), or null before {@link #start()} and after {@link #close()}. */
    public StatisticsStore statistics() {
        return stats;
    }

    /**
     * Live events as JSON (label changes, artifact and infected-neuron alerts), for dashboards. Hot: subscribers see events from
     * their subscription on; slow subscribers miss events rather than slow the labeller.
     */
    public Flux<String> events() {
        return events.asFlux();
    }

    /** Samples of the last label run that had neither an inline label nor an annotation. */
    public long unmatchedSamples() {
        return unmatched.get();
    }

    /** The configured client properties (SASL, TLS, …) plus the bootstrap servers, for any Kafka client. */
    private Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>(config.kafka().clientProperties());
        props.put("bootstrap.servers", config.bootstrapServers());
        return props;
    }

    /** Source defaults overlaid with the configured client properties. */
    private KafkaSourceOptions sourceOptions(String groupId, String topic) {
        KafkaSourceOptions options = KafkaSourceOptions.of(config.bootstrapServers(), groupId, topic);
        Map<String, Object> consumer = new HashMap<>(options.clientProperties());
        consumer.putAll(config.kafka().clientProperties());
        return options.withClientProperties(consumer);
    }

    /** The first error that stopped the pipeline, or null. */
    public Throwable failure() {
        return failure;
    }

    public long labelRunCount() {
        return (long) labelRuns.count();
    }

    private void fail(Throwable t) {
        failure = t;
        LOG.error("analyzer pipeline stopped", t);
    }

    private void createTopics() {
        Topics t = config.topics();
        try (KafkaTopics topics = new KafkaTopics(clientProperties())) {
            int p = config.kafka().partitions();
            Flux.concat(topics.createIfMissing(TopicSpec.of(t.activations(), p)),
                    topics.createIfMissing(TopicSpec.of(t.annotations(), p)),
                    topics.createIfMissing(TopicSpec.of(t.labels(), p).compacted()),
                    topics.createIfMissing(TopicSpec.of(t.labelEvents(), p)),
                    topics.createIfMissing(TopicSpec.of(t.deadLetters(), p)),
                    topics.createIfMissing(TopicSpec.of(t.alerts(), p))).blockLast(Duration.ofSeconds(60));
            // A producer that wrote first may have created the input with the broker's default of one partition:
            // then at most one instance of the group can consume it, whatever `partitions` says.
            for (String name : List.of(t.activations(), t.annotations())) {
                int have = topics.describe(name).block(Duration.ofSeconds(60)).partitions().size();
                if (have < p) {
                    String line = String.format("topic %s has %d partition%s, fewer than partitions = %d (it existed "
                            + "before the analyzer, perhaps created by a producer): at most %d instance%s can share it;"
                            + " add partitions with kafka-topics --alter --partitions %d", name, have,
                            have == 1 ? "" : "s", p, have, have == 1 ? "" : "s", p);
                    LOG.warn(line);
                    announcer.accept("warning: " + line);
                }
            }
        }
    }

    /** Seeds the drift tracker with what is already on the labels topic, so a restart is not drift. */
    private void restoreLabels() {
        for (byte[] v : TopicSnapshot.latestByKey(clientProperties(), config.topics().labels(), Duration.ofSeconds(30)).values()) {
            try {
                drift.restore(LabelJson.decode(v));
            } catch (IOException e) {
                LOG.warn("ignoring unreadable record on {}: {}", config.topics().labels(), e.getMessage());
            }
        }
    }

    /** Resume each partition at the lowest of what the statistics, archive and CLIP state hold (absent = 0). */
    private Map<TopicPartition, Long> startOffsets(Collection<TopicPartition> assigned) {
        // Called on the polling thread while the writer may be busy: read the archive's frontier on the writer.
        Map<SourcePartition, Long> archived = Mono.fromCallable(() -> Map.copyOf(archive.archivedOffsets()))
                .subscribeOn(writer).block(Duration.ofSeconds(60));
        Map<SourcePartition, Long> committed = stats.committedOffsets();
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : assigned) {
            SourcePartition sp = new SourcePartition(tp.topic(), tp.partition());
            long start = Math.min(committed.getOrDefault(sp, 0L), archived.getOrDefault(sp, 0L));
            out.put(tp, Math.min(start, clip.next().getOrDefault(sp, 0L)));
        }
        LOG.info("partitions assigned, starting at {}", out);
        return out;
    }

    /**
     * Runs on the writer thread. Records are archived one by one; their statistics go into {@code pendingStats}
     * and are applied as one RocksDB write per short group, or per budget while the groups are full: each apply
     * rewrites every touched sketch, so grouping divides that cost by the group size.
     */
    private void process(List<PolledRecord> group) {
        try {
            for (PolledRecord r : group) {
                records.increment();
                bytes.increment(r.sizeInBytes());
                SourceOffset pos = new SourceOffset(r.topic(), r.partition(), r.offset());
                boolean needsStats = pos.offset() >= statsNext.getOrDefault(pos.sourcePartition(), 0L);
                Decoded decoded = decodeAndArchive(r, pos);
                ActivationBatch batch = decoded == null ? null : decoded.batch();
                if (batch != null && modelDora != null) {
                    modelDora.onBatch(batch.modelId(), batch.modelVersion());
                }
                if (batch != null && needsStats) {
                    // Only records whose statistics are new: a record replayed after a crash has been scored.
                    score(batch, r);
                    pendingStats.add(layerBatch(batch, decoded.rows()), r);
                    joinEarlyAnnotations(batch, decoded.rows());
                }
                if (batch != null && !needsStats) {
                    // Consumed again after a restart: its statistics, early annotations included, are written.
                    int[][] stored = storedAnnotations(batch);
                    for (int i = 0; i < stored.length; i++) {
                        if (stored[i] != null) {
                            recent.markCounted(batch.modelId(), batch.sampleId(i));
                        }
                    }
                }
                if (needsStats) {
                    pendingStats.consumed(pos);
                }
                offerClip(batch, pos);
            }
            // A short group means the stream has caught up: write now, for latency. Behind, groups are full and
            // statistics accumulate up to the budget: each write re-serializes every sketch it touches, so
            // fewer, larger writes are what keeps up with a backlog.
            if (group.size() < GROUP_RECORDS || pendingStats.values() >= STATS_WRITE_VALUES) {
                writeStatistics();
            }
            if (config.labels().everySamples() > 0 && samplesSinceLabel >= config.labels().everySamples()) {
                triggerLabels();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * On the writer, for a record whose statistics are new and that carries no labels: annotations stored before
     * its activations arrived (unmatched then) reach the histograms with this record's rows, in the same
     * statistics write as its offset, so each (sample, layer) counts once across restarts. An annotation processed
     * later finds the sample counted and leaves the histograms alone.
     */
    private void joinEarlyAnnotations(ActivationBatch b, float[][] rows) throws IOException {
        List<RecentActivations.Row> matched = new ArrayList<>();
        long[] ts = b.timestampsMillis();
        int[][] stored = storedAnnotations(b);
        for (int i = 0; i < stored.length; i++) {
            if (stored[i] != null) {
                matched.add(new RecentActivations.Row(ts[i], rows[i], stored[i]));
                recent.markCounted(b.modelId(), b.sampleId(i));
            }
        }
        if (matched.isEmpty()) {
            return;
        }
        LayerBatch update = RecentActivations.labelsUpdate(b.modelId(), b.layer(), matched, this::conceptId);
        if (update != null) {
            pendingStats.addLabels(update);
        }
        earlyJoined.increment(matched.size());
    }

    /**
     * The stored annotations of a batch's samples, by row (null where none), when late annotations reach the
     * histograms and the batch has no inline labels (those count instead); no rows otherwise, and no lookup for
     * models without any stored annotation.
     */
    private int[][] storedAnnotations(ActivationBatch b) throws IOException {
        ConceptLabels inline = b.labels();
        if (!config.statistics().lateHistograms() || (inline != null && inline.conceptIds().length > 0)
                || !annotatedModels.computeIfAbsent(b.modelId(), annotations::hasAnnotations)) {
            return new int[0][];
        }
        return annotations.lookup(b.modelId(), b.sampleIds());
    }

    /** On the writer: applies the pending statistics and their offsets in one RocksDB write. */
    private void writeStatistics() {
        if (pendingStats.isEmpty()) {
            return;
        }
        stats.apply(StatisticsUpdate.of(pendingStats.updates()), pendingStats.offsets());
        statsWriteRecords.record(pendingStats.offsets().size());
        for (SourceOffset pos : pendingStats.offsets()) {
            statsNext.merge(pos.sourcePartition(), pos.offset() + 1, Math::max);
        }
        long now = System.currentTimeMillis();
        for (PolledRecord r : pendingStats.records()) {
            if (now >= r.timestamp()) {
                ingestLatency.record(Duration.ofMillis(now - r.timestamp()));
            }
        }
        pendingStats.clear();
    }

    /**
     * A decoded record and its rows, one array per sample: the decoder's arrays themselves, shared read-only by the
     * batch, the archive buffer and the statistics update.
     */
    private record Decoded(ActivationBatch batch, float[][] rows) {
    }

    /**
     * Decodes one record and archives its rows unless the archive already holds them. Returns the batch with its
     * rows, or null if the record was a dead letter (published before returning).
     */
    private Decoded decodeAndArchive(PolledRecord r, SourceOffset pos) throws IOException {
        ActivationBatch batch;
        ActivationBatchCodec.Decoded decodedRecord;
        try {
            if (r.isTombstone()) {
                throw new WireFormatException(WireFormatException.Reason.TRUNCATED, 0, "empty record value");
            }
            decodedRecord = ActivationBatchCodec.decodeWithRows(r.valueBuffer(), config.ingest().maxRecordBytes());
            batch = decodedRecord.batch();
        } catch (WireFormatException e) {
            deadLetter(r, e.reason().name(), e.getMessage());
            markArchived(pos);
            return null;
        }
        if (batch.timestampsMillis() == null) {
            // Stamp arrival time once, so the archive and the statistics bucket the samples alike.
            long[] now = new long[batch.batchSize()];
            java.util.Arrays.fill(now, System.currentTimeMillis());
            batch = batch.withTimestamps(now);
        }
        String schemaChange = schemas.check(batch);
        if (schemaChange != null) {
            deadLetter(r, "SCHEMA_CHANGE", schemaChange);
            markArchived(pos);
            return null;
        }
        // The decoder's own row arrays: this record is ours alone, and nothing downstream writes to them.
        float[][] rows = decodedRecord.rows();
        try {
            boolean archived = archive(batch, rows, pos);
            ConceptLabels inline = batch.labels();
            recent.add(batch, rows, batch.timestampsMillis(), config.statistics().trackConcepts() && inline != null
                    && inline.conceptIds().length > 0);
            if (archived) {
                schemas.remember(batch);
                samples.increment(batch.batchSize());
                activity.record(batch, rows, System.currentTimeMillis());
                samplesSinceLabel += batch.batchSize();
            }
            return new Decoded(batch, rows);
        } catch (IllegalArgumentException e) {
            // The archive is the authority on a layer's schema: a changed D lands here.
            deadLetter(r, "SCHEMA_CHANGE", e.getMessage());
            markArchived(pos);
            return null;
        }
    }

    private boolean archive(ActivationBatch b, float[][] rows, SourceOffset pos) throws IOException {
        long[] offsets = null;
        int[] concepts = null;
        ConceptLabels labels = b.labels();
        if (labels != null) {
            int[] o = labels.offsets();
            offsets = new long[o.length];
            for (int i = 0; i < o.length; i++) {
                offsets[i] = o[i];
            }
            concepts = labels.conceptIds();
        }
        return archive.appendRows(b.modelId(), b.layer(), b.sampleIds(), b.timestampsMillis(), b.features(), rows,
                offsets, concepts, pos);
    }

    /** Advances the archive's offsets past a record that produced no rows (a dead letter). */
    private void markArchived(SourceOffset pos) throws IOException {
        archive.append(NO_ROWS_MODEL, NO_ROWS_LAYER, new long[0], new long[0], 0, 0, new float[0], null, null, pos);
    }

    private void deadLetter(PolledRecord r, String reason, String detail) {
        deadLetters.increment();
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("neurowatch.reason", bytes(reason));
        headers.put("neurowatch.detail", bytes(detail == null ? "" : detail));
        headers.put("neurowatch.source", bytes(r.topic() + "-" + r.partition() + "@" + r.offset()));
        LOG.warn("dead letter {}-{}@{}: {} {}", r.topic(), r.partition(), r.offset(), reason, detail);
        // Block: the record is only skipped once its dead letter is durable, so nothing is lost on a crash.
        sink.send(config.topics().deadLetters(), r.key(), r.value() == null ? new byte[0] : r.value(), headers)
                .block(Duration.ofSeconds(60));
    }

    private LayerBatch layerBatch(ActivationBatch b, float[][] acts) {
        int rows = b.batchSize();
        long[] ts = b.timestampsMillis();
        ConceptLabels labels = b.labels();
        if (labels == null || !config.statistics().trackConcepts() || labels.conceptIds().length == 0) {
            return LayerBatch.wrap(b.modelId(), b.layer(), ts, acts, List.of(), null);
        }
        TreeSet<Integer> present = new TreeSet<>();
        for (int c : labels.conceptIds()) {
            present.add(c);
        }
        List<Integer> ids = new ArrayList<>(present);
        Map<Integer, Integer> column = new HashMap<>();
        for (int k = 0; k < ids.size(); k++) {
            column.put(ids.get(k), k);
        }
        LabelMatrix.Builder lm = LabelMatrix.builder(rows, ids.size());
        for (int i = 0; i < rows; i++) {
            for (int c : labels.conceptsOf(i)) {
                lm.set(i, column.get(c));
            }
        }
        List<String> names = ids.stream().map(this::conceptId).toList();
        return LayerBatch.wrap(b.modelId(), b.layer(), ts, acts, names, lm.build());
    }

    private String conceptId(int c) {
        ConceptSet cs = config.labels().concepts();
        return cs != null && c < cs.size() ? cs.id(c) : "c" + c;
    }

    /** Every second on the writer: roll aged segments, retention, Kafka commit, and the timed label trigger. */
    private void tick() {
        try {
            writeStatistics();
            archive.flushIfDue(Instant.now());
            if (config.archive().retention() != null) {
                archive.applyRetention(config.archive().retention());
                if (config.archive().retention().maxAge() != null) {
                    // Statistics are kept in time buckets; whole buckets older than the retention are dropped.
                    stats.dropBucketsBefore(System.currentTimeMillis() - config.archive().retention().maxAge().toMillis());
                }
            }
            commitToKafka();
            refreshThresholds(false);
            if (System.currentTimeMillis() - lastLagCheckMillis >= 5_000) {
                lastLagCheckMillis = System.currentTimeMillis();
                refreshLag();
            }
            Duration every = config.labels().interval();
            if (every != null && samplesSinceLabel > 0
                    && System.currentTimeMillis() - lastLabelRunMillis >= every.toMillis()) {
                triggerLabels();
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    private void commitToKafka() {
        Map<SourcePartition, Long> archived = archive.archivedOffsets();
        Map<TopicPartition, Long> commit = new HashMap<>();
        for (Map.Entry<SourcePartition, Long> e : statsNext.entrySet()) {
            long durable = Math.min(e.getValue(), archived.getOrDefault(e.getKey(), 0L));
            if (durable > 0) {
                commit.put(new TopicPartition(e.getKey().topic(), e.getKey().partition()), durable);
            }
        }
        if (!commit.isEmpty()) {
            source.commit(commit).onErrorResume(e -> {
                LOG.debug("group commit skipped: {}", e.getMessage());
                return Mono.empty();
            }).subscribe();
        }
    }

    /**
     * Consumer lag = log end offsets minus what the statistics have consumed, summed over partitions. Asked of the
     * Admin client asynchronously: the writer never waits for the broker here.
     */
    private void refreshLag() {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, Long> consumed = new HashMap<>();
        for (Map.Entry<SourcePartition, Long> e : statsNext.entrySet()) {
            TopicPartition tp = new TopicPartition(e.getKey().topic(), e.getKey().partition());
            latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
            consumed.put(tp, e.getValue());
        }
        if (latest.isEmpty()) {
            return;
        }
        admin.listOffsets(latest).all().whenComplete((ends, error) -> {
            if (error != null) {
                LOG.debug("lag check failed: {}", error.getMessage());
                return;
            }
            long total = 0;
            for (Map.Entry<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo> e
                    : ends.entrySet()) {
                total += Math.max(0, e.getValue().offset() - consumed.getOrDefault(e.getKey(), 0L));
            }
            lag.set(total);
        });
    }

    /** Records behind the end of the activations topic at the last check (every 5 s), or -1 before the first. */
    public long consumerLag() {
        return lag.get();
    }

    /**
     * The CLIP-Dissect checkpoint of the work dir. A work dir created before the checkpoint existed starts the
     * heaps at the statistics' offsets (its earlier similarity rows are not replayed).
     */
    private void startClip() throws IOException {
        clip = ClipCheckpoint.read(clipFile());
        if (clip == null) {
            clip = ClipCheckpoint.empty();
            clip.next().putAll(statsNext);
            if (!statsNext.isEmpty()) {
                LOG.warn("no CLIP-Dissect checkpoint in {}: streaming descriptions start at {}", config.workDir(),
                        statsNext);
            }
            clip.write(clipFile());
        }
    }

    private java.nio.file.Path clipFile() {
        return config.workDir().resolve("clip-topk.bin");
    }

    /** On the writer: a batch's similarity rows enter the layer's top-k heaps, once per record. */
    private void offerClip(ActivationBatch b, SourceOffset pos) {
        if (pos.offset() < clip.next().getOrDefault(pos.sourcePartition(), 0L)) {
            return;
        }
        clip.next().merge(pos.sourcePartition(), pos.offset() + 1, Math::max);
        if (b == null || b.similarityWidth() == 0) {
            return;
        }
        String key = b.modelId() + "/" + b.layer();
        io.neurowatch.analyzers.clipdissect.StreamingTopK state = clip.layers().get(key);
        if (state == null) {
            state = new io.neurowatch.analyzers.clipdissect.StreamingTopK(config.clip().params().topK(),
                    b.features(), b.similarityWidth());
            clip.layers().put(key, state);
        }
        try {
            state.offer(b.sampleIds(), b.activations(), b.similarities());
        } catch (IllegalArgumentException e) {
            // Widths changed for a known layer: the activations are archived, the similarity rows cannot be used.
            LOG.warn("{}-{}@{}: similarity rows skipped: {}", pos.topic(), pos.partition(), pos.offset(),
                    e.getMessage());
        }
    }

    /** On the writer: flush, open windows over every layer, and hand them to the labeller thread. */
    private void triggerLabels() {
        if (!labelling.compareAndSet(false, true)) {
            return;
        }
        samplesSinceLabel = 0;
        lastLabelRunMillis = System.currentTimeMillis();
        List<ArchiveWindow> windows = new ArrayList<>();
        Map<String, io.neurowatch.analyzers.clipdissect.StreamingTopK.Snapshot> clipSnapshots = new LinkedHashMap<>();
        try {
            archive.flush();
            clip.layers().forEach((k, v) -> clipSnapshots.put(k, v.snapshot()));
            clip.write(clipFile());
            for (LayerSummary s : archive.layers()) {
                if (s.layer().model().equals(NO_ROWS_MODEL) || s.rows() == 0) {
                    continue;
                }
                // Without a concept set, C comes from the window's own labels: so also right after a restart.
                int c = config.labels().concepts() != null ? config.labels().concepts().size() : StreamArchive.CONCEPTS_FROM_LABELS;
                windows.add(archive.window(s.layer().model(), s.layer().layer(), config.labels().window(), c));
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot open label windows", e);
            closeWindows(windows);
            labelling.set(false);
            return;
        }
        Mono.fromRunnable(() -> runLabels(windows, clipSnapshots))
                .subscribeOn(labeller)
                .doFinally(s -> Mono.fromRunnable(() -> {
                    closeWindows(windows);
                    labelling.set(false);
                }).subscribeOn(writer).subscribe())
                .subscribe(null, e -> LOG.error("label run failed", e));
    }

    private static void closeWindows(List<ArchiveWindow> windows) {
        for (ArchiveWindow w : windows) {
            try {
                w.close();
            } catch (IOException e) {
                LOG.warn("closing label window: {}", e.getMessage());
            }
        }
    }

    /** On the labeller thread. */
    private void runLabels(List<ArchiveWindow> windows,
                           Map<String, io.neurowatch.analyzers.clipdissect.StreamingTopK.Snapshot> clipSnapshots) {
        InvertLabeller invert = new InvertLabeller(config.labels().invert(), config.labels().threads());
        long started = System.nanoTime();
        int published = 0;
        List<LabelChange> changes = new ArrayList<>();
        for (ArchiveWindow w : windows) {
            if (w.rows() == 0) {
                continue;
            }
            try {
                LabelMatrix joined = joinAnnotations(w);
                ConceptSet names = names(joined.concepts());
                List<NeuronLabel> labels = invert.label(w.layer().model(), w.layer().layer(), w.activations(),
                        joined, names, System.currentTimeMillis());
                changes.addAll(publish(labels));
                published += labels.size();
            } catch (IOException | RuntimeException e) {
                LOG.error("labelling {} failed", w.layer(), e);
            }
        }
        io.neurowatch.analyzers.labels.ClipDissectLabeller clipLabeller =
                new io.neurowatch.analyzers.labels.ClipDissectLabeller(config.clip().params(), config.labels().threads());
        for (Map.Entry<String, io.neurowatch.analyzers.clipdissect.StreamingTopK.Snapshot> e
                : clipSnapshots.entrySet()) {
            String key = e.getKey();
            int slash = key.indexOf('/');
            try {
                List<NeuronLabel> labels = clipLabeller.label(key.substring(0, slash), key.substring(slash + 1),
                        e.getValue(), config.clip().names(e.getValue().concepts()), System.currentTimeMillis());
                changes.addAll(publish(labels));
                published += labels.size();
            } catch (RuntimeException ex) {
                LOG.error("CLIP-Dissect of {} failed", key, ex);
            }
        }
        long nanos = System.nanoTime() - started;
        labelRunTime.record(Duration.ofNanos(nanos));
        labelRuns.increment();
        labelChanges.increment(changes.size());
        String line = String.format("label run: %d neurons in %d layers, %d changed, %.2f s", published,
                windows.size(), changes.size(), nanos / 1e9);
        LOG.info(line);
        announcer.accept(line);
        for (LabelChange c : changes) {
            announcer.accept(String.format("  %s: %s -> %s (AUROC %.3f)", c.current().neuron().topicKey(),
                    c.previous() == null ? "(new)" : c.previous().readable(), c.current().readable(),
                    c.current().score()));
        }
    }

    /** Labels to the compacted topic, changes to the events topic and stream; waits for the broker. */
    private List<LabelChange> publish(List<NeuronLabel> labels) {
        List<Mono<?>> sends = new ArrayList<>();
        for (NeuronLabel l : labels) {
            sends.add(sink.send(config.topics().labels(), LabelJson.key(l), LabelJson.encode(l), null));
        }
        List<LabelChange> changed = drift.update(labels);
        for (LabelChange c : changed) {
            byte[] json = LabelJson.encode(c);
            sends.add(sink.send(config.topics().labelEvents(), LabelJson.key(c.current()), json, null));
            emit(json);
        }
        Flux.concat(sends).blockLast(Duration.ofSeconds(60));
        return changed;
    }

    /**
     * The window's inline labels united with the stored annotations of its samples (by sample id). Counts the
     * unmatched samples: no inline concept and no annotation.
     */
    private LabelMatrix joinAnnotations(ArchiveWindow w) throws IOException {
        LabelMatrix inline = w.labels();
        int[][] late = annotations.lookup(w.layer().model(), w.sampleIds());
        int c = inline.concepts();
        for (int[] ids : late) {
            if (ids != null) {
                for (int id : ids) {
                    c = Math.max(c, id + 1);
                }
            }
        }
        LabelMatrix.Builder b = LabelMatrix.builder(inline.rows(), c);
        long none = 0;
        for (int i = 0; i < inline.rows(); i++) {
            boolean any = false;
            for (int k = 0; k < inline.concepts(); k++) {
                if (inline.get(i, k)) {
                    b.set(i, k);
                    any = true;
                }
            }
            if (late[i] != null) {
                // An annotation with no concepts is still an answer: the sample is matched.
                any = true;
                for (int id : late[i]) {
                    b.set(i, id);
                }
            }
            none += any ? 0 : 1;
        }
        unmatched.set(none);
        if (none > 0) {
            LOG.info("{}: {} of {} window samples have neither an inline label nor an annotation", w.layer(), none,
                    inline.rows());
        }
        return b.build();
    }

    private ConceptSet names(int count) {
        if (config.labels().concepts() != null && config.labels().concepts().size() >= count) {
            return config.labels().concepts();
        }
        List<Concept> cs = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            cs.add(Concept.of(conceptId(c)));
        }
        return ConceptSet.of(cs);
    }

    /** Runs a label pass now (flushing the archive first) and waits for it; for tests and shutdown. */
    public void labelNow(Duration timeout) {
        Mono.fromRunnable(this::triggerLabels).subscribeOn(writer).block(timeout);
        awaitLabelRun(timeout);
    }

    /** Waits (polling, off reactive threads) until no label run is in flight, at most {@code timeout}. */
    private void awaitLabelRun(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (labelling.get() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Number of records processed so far. */
    public long recordCount() {
        return (long) records.count();
    }

    /** Samples archived so far in this run. */
    public long sampleCount() {
        return (long) samples.count();
    }

    /** The activations source's counters (polls, pauses, what it holds); all zero before {@link #start()}. */
    public KafkaSourceStats sourceStats() {
        KafkaRecordSource s = source;
        return s == null ? new KafkaSourceStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                : s.stats();
    }

    /** Graceful stop: stop consuming, flush the archive, commit, close everything. Blocking, idempotent. */
    @Override
    public synchronized void close() {
        List<Throwable> errors = new ArrayList<>();
        run(errors, () -> {
            if (ticker != null) {
                ticker.dispose();
            }
        });
        run(errors, () -> {
            if (modelDora != null) {
                modelDora.close();
            }
        });
        modelDora = null;
        run(errors, () -> {
            if (pipeline != null) {
                pipeline.dispose();
                source.whenStopped().block(Duration.ofSeconds(30));
            }
        });
        run(errors, () -> {
            if (annotationPipeline != null) {
                annotationPipeline.dispose();
                annotationSource.whenStopped().block(Duration.ofSeconds(30));
            }
        });
        run(errors, () -> {
            if (writer != null && archive != null) {
                Mono.fromCallable(() -> {
                    writeStatistics();
                    clip.write(clipFile());
                    return archive.flush();
                }).subscribeOn(writer).block(Duration.ofSeconds(60));
            }
        });
        awaitLabelRun(Duration.ofSeconds(60));
        run(errors, () -> {
            if (labeller != null) {
                labeller.dispose();
            }
        });
        run(errors, () -> {
            if (writer != null) {
                writer.dispose();
            }
        });
        run(errors, () -> {
            if (archive != null) {
                archive.close();
            }
        });
        run(errors, () -> {
            if (stats != null) {
                stats.close();
            }
        });
        run(errors, () -> {
            if (annotations != null) {
                annotations.close();
            }
        });
        annotations = null;
        annotationPipeline = null;
        run(errors, () -> {
            if (sink != null) {
                sink.close();
            }
        });
        run(errors, () -> {
            if (admin != null) {
                admin.close(Duration.ofSeconds(10));
            }
        });
        admin = null;
        ticker = null;
        pipeline = null;
        writer = null;
        labeller = null;
        archive = null;
        stats = null;
        sink = null;
        if (!errors.isEmpty()) {
            IllegalStateException e = new IllegalStateException("analyzer did not close cleanly", errors.get(0));
            errors.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void run(List<Throwable> errors, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            errors.add(e);
        }
    }

    /**
     * A dedicated thread for blocking clients (RocksDB, HDF5, Kafka acknowledgements). Reactor's own single
     * schedulers are marked non-blocking and refuse {@code block()}, rightly: this one is not a reactive thread.
     */
    private static Scheduler blockingThread(String name) {
        return Schedulers.fromExecutorService(java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }), name);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
