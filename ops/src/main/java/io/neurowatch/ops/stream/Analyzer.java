package io.neurowatch.ops.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.neurowatch.analyzers.artifacts.DetectorBank;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.connectors.kafka.KafkaTopics;
import io.neurowatch.connectors.kafka.TopicSpec;
import io.neurowatch.core.state.StatisticsStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The streaming analyzer of one instance: Kafka activation batches → decode and validate → HDF5 archive + RocksDB
 * statistics → alerts as records arrive, periodic INVERT and CLIP-Dissect labels on the labels topic, label-change
 * events, a dead-letter topic. It is a Kafka Streams application ({@link AnalyzerTopology}): instances with the same
 * {@code group.id} share the partitions of the activations topic, each partition (a task, with every layer whose
 * key maps to it) owned by one instance at a time, its state moving with it, its outputs committed exactly once with
 * its input offsets. One instance is the same topology with one member.
 *
 * <p>This class is the lifecycle (topics, Kafka Streams, the labeller and DORA threads) and the read view the HTTP
 * server and the demo use; the work is in the stages, wired in {@link LayerProcessor}.
 *
 * <p>Thread-safe.
 */
public final class Analyzer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Analyzer.class);

    private final AnalyzerConfig config;
    private final MeterRegistry metrics;
    private final Consumer<String> announcer;
    private final TaskServices.Meters meters;
    private final AnnotationTable annotations = new AnnotationTable();
    private final LatestTable labels = new LatestTable(AnalyzerTopology.LABELS_STORE);
    private final LatestTable detectors = new LatestTable(AnalyzerTopology.DETECTORS_STORE);
    private final Set<LayerStateStore> stores = ConcurrentHashMap.newKeySet();
    private final LayerActivity activity = new LayerActivity(10);
    private final Sinks.Many<String> events = Sinks.many().multicast().directBestEffort();
    private final List<Consumer<DoraReport>> doraListeners = new CopyOnWriteArrayList<>();
    private final Map<String, DoraReport> doraReports = new ConcurrentHashMap<>();
    private final AtomicLong labelGeneration = new AtomicLong();
    private final AtomicLong lag = new AtomicLong(-1);
    private final AnalyzerTopology.InternalTopics internal;
    private TaskServices services;
    private KafkaStreams streams;
    private ExecutorService labeller;
    private ScheduledExecutorService housekeeping;
    private RegisteredModelDora dora;
    private Admin admin;
    private volatile Throwable failure;
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
    private String advertised;

    /** @param announcer receives one human line per label run and per label change (the demo prints them) */
    public Analyzer(AnalyzerConfig config, MeterRegistry metrics, Consumer<String> announcer) {
        this.config = config;
        this.metrics = metrics;
        this.announcer = announcer;
        this.meters = TaskServices.Meters.of(metrics);
        this.internal = AnalyzerTopology.InternalTopics.of(config.kafka().groupId());
    }

    /**
     * Creates missing topics and starts the instance; returns once Kafka Streams is starting (it joins the group and
     * restores its tasks' state in the background). Blocking (talks to Kafka).
     *
     * @throws IOException if the work dir cannot be created or a topic cannot be created or read
     */
    public void start() throws IOException {
        start(config.streams().advertisedUrl());
    }

    /**
     * As {@link #start()}, telling the group where this instance's HTTP API answers ({@code host:port}, or null
     * for none), so that the other instances can forward requests for the layers it owns; overrides
     * {@code streams.advertised-url}.
     */
    public synchronized void start(String advertisedHostPort) throws IOException {
        this.advertised = advertisedHostPort;
        Files.createDirectories(config.workDir());
        admin = Admin.create(config.kafka().clientConfig());
        long deadLetterMax = createTopics();
        labeller = Executors.newSingleThreadExecutor(daemon("analyzer-labeller"));
        if (config.model() != null) {
            ModelSettings m = config.model();
            dora = new RegisteredModelDora(m, config.workDir().resolve("sams"), this::analysed,
                    (version, neurons, nof, outcome) -> {
                        services.doraResults().add(new DoraReport.Flagged(m.modelId(), version, m.layer(), neurons,
                                nof));
                        DoraReport r = new DoraReport(m.modelId(), version, m.layer(), outcome);
                        doraReports.put(m.modelId() + "/" + m.layer(), r);
                        doraListeners.forEach(l -> l.accept(r));
                    });
        }
        services = TaskServices.create(instanceName(), config, annotations, labels, detectors,
                internal.validAnnotations(), labeller, dora, this::emit, announcer, meters, deadLetterMax);
        LayerStateStore.Builder layerState = new LayerStateStore.Builder(config, annotations,
                internal.validAnnotations(), activity, stores::add, stores::remove);
        streams = new KafkaStreams(AnalyzerTopology.build(services, layerState, internal), streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            // A stage that cannot go on (a disk or RocksDB error) stops this instance loudly rather than looping;
            // its partitions move to the others, and `serve` exits non-zero for a supervisor to restart it.
            failure = e;
            LOG.error("analyzer instance stops: a stream thread failed", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            state = now;
            LOG.info("analyzer instance {} -> {}", before, now);
        });
        metrics.gauge("neurowatch.archive.bytes", this, a -> a.stores.stream()
                .mapToLong(s -> s.isOpen() ? s.archive().bytesOnDisk() : 0).sum());
        metrics.gauge("neurowatch.consumer.lag", lag, AtomicLong::get);
        metrics.gauge("neurowatch.tasks", stores, Set::size);
        metrics.gauge("neurowatch.annotations.table", annotations, AnnotationTable::samplesAnnotated);
        streams.start();
        housekeeping = Executors.newSingleThreadScheduledExecutor(daemon("analyzer-lag"));
        housekeeping.scheduleWithFixedDelay(this::refreshLag, 1, 5, TimeUnit.SECONDS);
        LOG.info("analyzer started: group {}, topic {}, work dir {}", config.kafka().groupId(),
                config.topics().activations(), config.workDir());
    }

    private Properties streamsProperties() {
        StreamsSettings s = config.streams();
        Properties p = new Properties();
        config.kafka().clientProperties().forEach((k, v) -> p.put(k, String.valueOf(v)));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.kafka().groupId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, s.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2
                : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.threads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, s.standbyReplicas());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitInterval().toMillis());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.workDir().resolve("streams").toString());
        // Records are large (a batch of activations): buffer a few per partition, not Kafka Streams' thousand.
        p.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, 64);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 64);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                Math.max(1 << 20, config.ingest().maxRecordBytes()));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG),
                Math.max(50 << 20, config.ingest().maxRecordBytes()));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                (int) s.sessionTimeout().toMillis());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                (int) Math.max(500, s.sessionTimeout().toMillis() / 4));
        if (s.instanceId() != null) {
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), s.instanceId());
        }
        if (advertised != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised);
        }
        // A dead letter as large as the largest accepted record, plus its headers.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                config.ingest().maxRecordBytes() + (1 << 20));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
        return p;
    }

    /**
     * Creates the topics the analyzer reads and writes if they are missing, all with {@code partitions}; reports an
     * input topic with fewer partitions.
     *
     * @return the largest dead-letter value the dead-letter topic takes
     */
    private long createTopics() throws IOException {
        Topics t = config.topics();
        int p = config.kafka().partitions();
        String deadLetterBytes = Integer.toString(config.ingest().maxRecordBytes() + (1 << 20));
        try (KafkaTopics topics = new KafkaTopics(config.kafka().clientConfig())) {
            Duration wait = Duration.ofSeconds(60);
            for (TopicSpec spec : List.of(TopicSpec.of(t.activations(), p), TopicSpec.of(t.annotations(), p),
                    TopicSpec.of(t.labels(), p).compacted(), TopicSpec.of(t.labelEvents(), p),
                    TopicSpec.of(t.deadLetters(), p).withConfig("max.message.bytes", deadLetterBytes),
                    TopicSpec.of(t.alerts(), p), TopicSpec.of(internal.validAnnotations(), p).compacted(),
                    TopicSpec.of(internal.detectors(), p).compacted())) {
                topics.createIfMissing(spec).block(wait);
            }
            // A producer that wrote first may have created an input with the broker's default of one partition:
            // then at most one instance of the group can consume it, whatever `partitions` says.
            for (String name : List.of(t.activations(), t.annotations())) {
                int have = topics.describe(name).block(wait).partitions().size();
                if (have < p) {
                    String line = String.format("topic %s has %d partition%s, fewer than partitions = %d (it existed "
                            + "before the analyzer, perhaps created by a producer): at most %d instance%s can share it;"
                            + " add partitions with kafka-topics --alter --partitions %d", name, have,
                            have == 1 ? "" : "s", p, have, have == 1 ? "" : "s", p);
                    LOG.warn(line);
                    announcer.accept("warning: " + line);
                }
            }
            Map<String, String> dlq = topics.configs(t.deadLetters()).block(wait);
            long topicMax = Long.parseLong(dlq.getOrDefault("max.message.bytes", deadLetterBytes));
            return Math.min(topicMax, config.ingest().maxRecordBytes() + (1L << 20));
        } catch (RuntimeException e) {
            throw new IOException("cannot create or read the analyzer's topics on " + config.bootstrapServers()
                    + ": " + e.getMessage(), e);
        }
    }

    /** {@code streams.instance-id}, else host and process id: who published a label. */
    private String instanceName() {
        if (config.streams().instanceId() != null) {
            return config.streams().instanceId();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private boolean analysed(String version) {
        String origin = "dora " + config.model().modelId() + "@" + version;
        for (Map.Entry<byte[], byte[]> e : detectors.all()) {
            if (new String(e.getValue(), StandardCharsets.UTF_8).contains("\"origin\":\"" + origin + "\"")) {
                return true;
            }
        }
        return false;
    }

    /** Tasks and the HTTP threads both publish events; a sink must not be fed from two threads at once. */
    private void emit(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        synchronized (events) {
            events.tryEmitNext(text);
        }
    }

    /**
     * Consumer lag = log end offsets of the activations topic minus the group's committed offsets, summed over
     * partitions (the whole group's, so every instance reports the same).
     */
    private void refreshLag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                    config.kafka().groupId()).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            int partitions = admin.describeTopics(List.of(config.topics().activations())).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(config.topics().activations()).partitions().size();
            for (int i = 0; i < partitions; i++) {
                latest.put(new TopicPartition(config.topics().activations(), i), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(10, TimeUnit.SECONDS);
            long total = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                total += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
            }
            lag.set(total);
        } catch (Exception e) {
            LOG.debug("lag check failed: {}", e.getMessage());
        }
    }

    /**
     * Runs a label pass on every task of this instance now (each flushes its archive first) and waits until each has
     * published it, at most {@code timeout}; for tests, the demo and shutdown. Tasks that start meanwhile run theirs
     * on their own.
     */
    public void labelNow(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitTasks(deadline);
        long g = labelGeneration.incrementAndGet();
        List<LayerProcessor> tasks = new ArrayList<>(services.running());
        tasks.forEach(t -> t.requestLabels(g));
        while (System.nanoTime() < deadline && tasks.stream().anyMatch(t -> t.completedLabelGeneration() < g
                && services.running().contains(t))) {
            sleep(20);
        }
        // The labels are committed with the task's next commit, requested when they were published.
        sleep(2 * config.streams().commitInterval().toMillis() + 50);
    }

    /**
     * Waits until every layer task (a partition of the activations topic) Kafka Streams assigned to this instance is
     * running here (restored, processing), or the deadline passes.
     */
    private void awaitTasks(long deadline) {
        long assigned = -1;
        while (System.nanoTime() < deadline) {
            KafkaStreams s = streams;
            if (s != null && state == KafkaStreams.State.RUNNING) {
                String topic = config.topics().activations();
                assigned = s.metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
                        .filter(task -> task.topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topic)))
                        .count();
                if (assigned > 0 && services.running().size() >= assigned) {
                    return;
                }
            }
            sleep(20);
        }
        LOG.warn("not every task of this instance is running: {} assigned, {} running, state {}", assigned,
                services.running().size(), state);
    }

    /**
     * Where the instance that owns a layer answers over HTTP ({@code host:port}), when that is another instance of
     * the group; empty when it is this one, or nobody is known to own it yet.
     */
    public java.util.Optional<String> ownerOf(String model, String layer) {
        KafkaStreams s = streams;
        if (s == null || advertised == null || state != KafkaStreams.State.RUNNING) {
            return java.util.Optional.empty();
        }
        try {
            var md = s.queryMetadataForKey(LayerStateStore.NAME, (model + "/" + layer).getBytes(
                    StandardCharsets.UTF_8), new org.apache.kafka.common.serialization.ByteArraySerializer());
            if (md == null || md.activeHost() == null || md.activeHost().port() < 0) {
                return java.util.Optional.empty();
            }
            String owner = md.activeHost().host() + ":" + md.activeHost().port();
            return owner.equals(advertised) ? java.util.Optional.empty() : java.util.Optional.of(owner);
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Where the group's other instances answer over HTTP ({@code host:port} each). */
    public List<String> peers() {
        KafkaStreams s = streams;
        if (s == null || advertised == null) {
            return List.of();
        }
        try {
            return s.metadataForAllStreamsClients().stream().map(m -> m.hostInfo().host() + ":" + m.hostInfo().port())
                    .filter(h -> !h.equals(advertised) && !h.endsWith(":-1")).distinct().toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** The latest label of every neuron and method the group published (committed), from any instance. */
    public List<NeuronLabel> currentLabels() {
        List<NeuronLabel> out = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> e : labels.all()) {
            try {
                out.add(LabelJson.decode(e.getValue()));
            } catch (IOException ex) {
                LOG.debug("ignoring unreadable label: {}", ex.getMessage());
            }
        }
        return out;
    }

    /** Per layer of this instance's tasks: model version, D, samples, last batch time, each neuron's top samples. */
    public LayerActivity activity() {
        return activity;
    }

    /** The statistics of the layers this instance owns now. */
    public StatisticsView statistics() {
        return StatisticsView.over(this::statisticsStores);
    }

    /** The open statistics stores of this instance's tasks. */
    public List<StatisticsStore> statisticsStores() {
        List<StatisticsStore> out = new ArrayList<>();
        for (LayerStateStore s : stores) {
            if (s.isOpen()) {
                out.add(s.statisticsStore());
            }
        }
        return out;
    }

    /**
     * Live events as JSON (label changes, artifact and infected-neuron alerts), for dashboards. Hot: subscribers see
     * events from their subscription on; slow subscribers miss events rather than slow the tasks.
     */
    public Flux<String> events() {
        return events.asFlux();
    }

    /**
     * The artifact detectors of the layers this instance's tasks hold, with their current thresholds, then the
     * configured ones whose layer no task here holds (threshold unknown here).
     */
    public List<DetectorBank.DetectorState> detectorStates() {
        List<DetectorBank.DetectorState> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (LayerProcessor p : services == null ? List.<LayerProcessor>of() : services.running()) {
            for (DetectorBank.DetectorState s : p.detectorStates()) {
                if (seen.add(s.detector().toString())) {
                    out.add(s);
                }
            }
        }
        for (var d : config.alerts().detectors()) {
            if (seen.add(d.toString())) {
                out.add(new DetectorBank.DetectorState(d, Double.NaN, false, "config"));
            }
        }
        return out;
    }

    /**
     * Calls {@code listener} with every in-process DORA result, those finished already first. Listeners run on the
     * DORA thread and must not block for long.
     */
    public void onDoraResult(Consumer<DoraReport> listener) {
        doraListeners.add(listener);
        doraReports.values().forEach(listener);
    }

    /**
     * Makes neurons artifact detectors from now on and publishes an {@code infected_neuron} alert for each, as DORA
     * does when it flags them; the task that owns the layer does it at its next tick. Waits for it, at most 60 s.
     *
     * @param nof the neurons' negative outlier factors, parallel to {@code flagged}
     */
    public void reportInfected(String model, String modelVersion, String layer, List<Integer> flagged, double[] nof) {
        DoraReport.Flagged f = new DoraReport.Flagged(model, modelVersion, layer, List.copyOf(flagged), nof.clone());
        services.doraResults().add(f);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (services.doraResults().contains(f) && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    /** Samples of the last label runs that had neither an inline label nor an annotation. */
    public long unmatchedSamples() {
        long n = 0;
        for (LayerProcessor p : services.running()) {
            n += p.unmatchedSamples();
        }
        return n;
    }

    /**
     * Why this instance is not healthy: the error that stopped it, or its Kafka Streams state when that is not
     * created, rebalancing or running; null while healthy.
     */
    public Throwable failure() {
        Throwable f = failure;
        if (f != null) {
            return f;
        }
        KafkaStreams.State s = state;
        return s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR
                ? new IllegalStateException("the analyzer's Kafka Streams instance is " + s) : null;
    }

    /** The instance's Kafka Streams state (CREATED before start). */
    public KafkaStreams.State streamsState() {
        return state;
    }

    public long labelRunCount() {
        return (long) meters.labelRuns().count();
    }

    /** Records processed by this instance's tasks (replays into state not counted). */
    public long recordCount() {
        return (long) meters.records().count();
    }

    /** Samples archived by this instance's tasks, restores included. */
    public long sampleCount() {
        return (long) meters.samples().count();
    }

    /** Records behind the end of the activations topic (the group's), checked every 5 s; -1 before the first. */
    public long consumerLag() {
        return lag.get();
    }

    /** Graceful stop: every task commits and closes its state, then the threads stop. Blocking, idempotent. */
    @Override
    public synchronized void close() {
        List<Throwable> errors = new ArrayList<>();
        run(errors, () -> {
            if (housekeeping != null) {
                housekeeping.shutdownNow();
            }
        });
        run(errors, () -> {
            if (dora != null) {
                dora.close();
            }
        });
        long t0 = System.nanoTime();
        run(errors, () -> {
            if (streams != null && !streams.close(Duration.ofSeconds(60))) {
                throw new IllegalStateException("Kafka Streams did not close within 60 s");
            }
        });
        LOG.info("Kafka Streams closed in {} ms", (System.nanoTime() - t0) / 1_000_000);
        run(errors, () -> {
            if (labeller != null) {
                labeller.shutdownNow();
            }
        });
        run(errors, () -> {
            if (admin != null) {
                admin.close(Duration.ofSeconds(10));
            }
        });
        streams = null;
        dora = null;
        admin = null;
        housekeeping = null;
        labeller = null;
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
