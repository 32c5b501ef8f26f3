package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.connectors.archive.ArchiveOptions;
import io.neurowatch.connectors.archive.RetentionPolicy;
import io.neurowatch.connectors.archive.WindowSpec;
import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.state.StatisticsStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the streaming analyzer needs, as one immutable snapshot. Keys and defaults are documented in
 * docs/streaming.md; {@link #defaults} gives a working local set-up.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param groupId consumer group (scale out by running several analyzers with one group and separate work dirs)
 * @param topics topic names
 * @param partitions partitions of topics the analyzer creates
 * @param clientProperties extra Kafka client properties (SASL, TLS, …) for consumer, producer and admin
 * @param workDir root of the state ({@code state/}, RocksDB) and archive ({@code archive/}, HDF5)
 * @param maxRecordBytes records above this go to the dead-letter topic as OVERSIZE
 * @param archive segment rolling of the HDF5 archive
 * @param retention what the archive and statistics keep (null keeps everything)
 * @param statistics RocksDB statistics settings
 * @param trackConcepts whether per-(neuron, concept) histograms are kept (cost grows with C·D)
 * @param labelEverySamples run the labeller after this many new samples (0 disables the trigger)
 * @param labelInterval run the labeller at this period when new samples arrived (null disables the timer)
 * @param labelWindow which archived rows a label run reads
 * @param invert INVERT parameters of the label runs
 * @param concepts names of concept ids (column c = concept id c); null names them {@code c<id>}
 * @param labelThreads INVERT worker threads
 * @param alerts artifact detectors and their thresholds
 * @param clip streaming CLIP-Dissect of batches that carry similarity rows
 * @param model a model the analyzer holds and runs DORA on when a new version registers, or null
 * @param annotationWindow per model, the most recent samples whose activations are kept in memory so that late
 *     annotations (annotations topic) of samples that came without labels reach the concept histograms; 0 keeps
 *     none (late annotations then reach only the label runs)
 */
public record AnalyzerConfig(String bootstrapServers, String groupId, Topics topics, int partitions,
                             Map<String, Object> clientProperties, Path workDir, int maxRecordBytes,
                             ArchiveOptions archive, RetentionPolicy retention, StatisticsStoreConfig statistics,
                             boolean trackConcepts, long labelEverySamples, Duration labelInterval,
                             WindowSpec labelWindow, InvertParams invert, ConceptSet concepts, int labelThreads,
                             AlertSettings alerts, ClipSettings clip, ModelSettings model, int annotationWindow) {

    public AnalyzerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(clip, "clip");
        clientProperties = Map.copyOf(clientProperties);
        if (annotationWindow < 0) {
            throw new IllegalArgumentException("annotationWindow must be >= 0: " + annotationWindow);
        }
        if (partitions < 1 || maxRecordBytes < 1024 || labelThreads < 1) {
            throw new IllegalArgumentException("partitions, maxRecordBytes (>= 1024) and labelThreads must be "
                    + "positive: " + partitions + ", " + maxRecordBytes + ", " + labelThreads);
        }
    }

    public static AnalyzerConfig defaults(String bootstrapServers, Path workDir) {
        return new AnalyzerConfig(bootstrapServers, "neurowatch-analyzer", Topics.defaults(), 3, Map.of(), workDir,
                64 << 20, ArchiveOptions.defaults().withWriteOptions(
                        // Contiguous and uncompressed: deflate costs more than the rest of ingestion together,
                        // and unfiltered segments are written in one sequential pass.
                        io.neurowatch.connectors.io.Hdf5WriteOptions.defaults().contiguous()), null,
                StatisticsStoreConfig.defaults(), true, 10_000,
                Duration.ofSeconds(30), WindowSpec.all(), InvertParams.of(3, 3).withFractions(0.002, 0.5), null,
                Runtime.getRuntime().availableProcessors(), AlertSettings.defaults(),
                ClipSettings.defaults(), null, 10_000);
    }

    public AnalyzerConfig withAnnotationWindow(int samples) {
        return edit(e -> e.annotationWindow = samples);
    }

    public AnalyzerConfig withGroupId(String g) {
        return edit(e -> e.groupId = g);
    }

    public AnalyzerConfig withTopics(Topics t) {
        return edit(e -> e.topics = t);
    }

    public AnalyzerConfig withArchive(ArchiveOptions a) {
        return edit(e -> e.archive = a);
    }

    public AnalyzerConfig withLabelling(long everySamples, Duration interval, WindowSpec window, InvertParams p) {
        return edit(e -> {
            e.labelEverySamples = everySamples;
            e.labelInterval = interval;
            e.labelWindow = window;
            e.invert = p;
        });
    }

    public AnalyzerConfig withConcepts(ConceptSet c) {
        return edit(e -> e.concepts = c);
    }

    public AnalyzerConfig withRetention(RetentionPolicy r) {
        return edit(e -> e.retention = r);
    }

    public AnalyzerConfig withStatistics(StatisticsStoreConfig s, boolean track) {
        return edit(e -> {
            e.statistics = s;
            e.trackConcepts = track;
        });
    }

    public AnalyzerConfig withClientProperties(Map<String, Object> props) {
        return edit(e -> e.clientProperties = props);
    }

    public AnalyzerConfig withMaxRecordBytes(int bytes) {
        return edit(e -> e.maxRecordBytes = bytes);
    }

    public AnalyzerConfig withAlerts(AlertSettings a) {
        return edit(e -> e.alerts = a);
    }

    public AnalyzerConfig withClip(ClipSettings c) {
        return edit(e -> e.clip = c);
    }

    public AnalyzerConfig withModel(ModelSettings m) {
        return edit(e -> e.model = m);
    }

    /** A copy with some components changed; the canonical constructor validates the result. */
    private AnalyzerConfig edit(java.util.function.Consumer<Editable> change) {
        Editable e = new Editable(this);
        change.accept(e);
        return e.build();
    }

    /** The components as mutable fields, so each {@code with*} names only what it changes. */
    private static final class Editable {
        String bootstrapServers;
        String groupId;
        Topics topics;
        int partitions;
        Map<String, Object> clientProperties;
        Path workDir;
        int maxRecordBytes;
        ArchiveOptions archive;
        RetentionPolicy retention;
        StatisticsStoreConfig statistics;
        boolean trackConcepts;
        long labelEverySamples;
        Duration labelInterval;
        WindowSpec labelWindow;
        InvertParams invert;
        ConceptSet concepts;
        int labelThreads;
        AlertSettings alerts;
        ClipSettings clip;
        ModelSettings model;
        int annotationWindow;

        Editable(AnalyzerConfig c) {
            bootstrapServers = c.bootstrapServers;
            groupId = c.groupId;
            topics = c.topics;
            partitions = c.partitions;
            clientProperties = c.clientProperties;
            workDir = c.workDir;
            maxRecordBytes = c.maxRecordBytes;
            archive = c.archive;
            retention = c.retention;
            statistics = c.statistics;
            trackConcepts = c.trackConcepts;
            labelEverySamples = c.labelEverySamples;
            labelInterval = c.labelInterval;
            labelWindow = c.labelWindow;
            invert = c.invert;
            concepts = c.concepts;
            labelThreads = c.labelThreads;
            alerts = c.alerts;
            clip = c.clip;
            model = c.model;
            annotationWindow = c.annotationWindow;
        }

        AnalyzerConfig build() {
            return new AnalyzerConfig(bootstrapServers, groupId, topics, partitions, clientProperties, workDir,
                    maxRecordBytes, archive, retention, statistics, trackConcepts, labelEverySamples, labelInterval,
                    labelWindow, invert, concepts, labelThreads, alerts, clip, model, annotationWindow);
        }
    }
}
