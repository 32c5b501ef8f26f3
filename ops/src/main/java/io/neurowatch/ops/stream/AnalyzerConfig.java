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
 */
public record AnalyzerConfig(String bootstrapServers, String groupId, Topics topics, int partitions,
                             Map<String, Object> clientProperties, Path workDir, int maxRecordBytes,
                             ArchiveOptions archive, RetentionPolicy retention, StatisticsStoreConfig statistics,
                             boolean trackConcepts, long labelEverySamples, Duration labelInterval,
                             WindowSpec labelWindow, InvertParams invert, ConceptSet concepts, int labelThreads) {

    public AnalyzerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(workDir, "workDir");
        clientProperties = Map.copyOf(clientProperties);
        if (partitions < 1 || maxRecordBytes < 1024 || labelThreads < 1) {
            throw new IllegalArgumentException("partitions, maxRecordBytes (>= 1024) and labelThreads must be "
                    + "positive: " + partitions + ", " + maxRecordBytes + ", " + labelThreads);
        }
    }

    public static AnalyzerConfig defaults(String bootstrapServers, Path workDir) {
        return new AnalyzerConfig(bootstrapServers, "neurowatch-analyzer", Topics.defaults(), 3, Map.of(), workDir,
                64 << 20, ArchiveOptions.defaults().withWriteOptions(
                        // Uncompressed chunks: deflate costs more than the rest of ingestion together.
                        io.neurowatch.connectors.io.Hdf5WriteOptions.defaults().withCompression(0, false)), null, StatisticsStoreConfig.defaults(), true, 10_000,
                Duration.ofSeconds(30), WindowSpec.all(), InvertParams.of(3, 3).withFractions(0.002, 0.5), null,
                Runtime.getRuntime().availableProcessors());
    }

    public AnalyzerConfig withGroupId(String g) {
        return new AnalyzerConfig(bootstrapServers, g, topics, partitions, clientProperties, workDir, maxRecordBytes,
                archive, retention, statistics, trackConcepts, labelEverySamples, labelInterval, labelWindow, invert,
                concepts, labelThreads);
    }

    public AnalyzerConfig withTopics(Topics t) {
        return new AnalyzerConfig(bootstrapServers, groupId, t, partitions, clientProperties, workDir, maxRecordBytes,
                archive, retention, statistics, trackConcepts, labelEverySamples, labelInterval, labelWindow, invert,
                concepts, labelThreads);
    }

    public AnalyzerConfig withArchive(ArchiveOptions a) {
        return new AnalyzerConfig(bootstrapServers, groupId, topics, partitions, clientProperties, workDir,
                maxRecordBytes, a, retention, statistics, trackConcepts, labelEverySamples, labelInterval, labelWindow,
                invert, concepts, labelThreads);
    }

    public AnalyzerConfig withLabelling(long everySamples, Duration interval, WindowSpec window, InvertParams p) {
        return new AnalyzerConfig(bootstrapServers, groupId, topics, partitions, clientProperties, workDir,
                maxRecordBytes, archive, retention, statistics, trackConcepts, everySamples, interval, window, p,
                concepts, labelThreads);
    }

    public AnalyzerConfig withConcepts(ConceptSet c) {
        return new AnalyzerConfig(bootstrapServers, groupId, topics, partitions, clientProperties, workDir,
                maxRecordBytes, archive, retention, statistics, trackConcepts, labelEverySamples, labelInterval,
                labelWindow, invert, c, labelThreads);
    }

    public AnalyzerConfig withRetention(RetentionPolicy r) {
        return new AnalyzerConfig(bootstrapServers, groupId, topics, partitions, clientProperties, workDir,
                maxRecordBytes, archive, r, statistics, trackConcepts, labelEverySamples, labelInterval, labelWindow,
                invert, concepts, labelThreads);
    }

    public AnalyzerConfig withStatistics(StatisticsStoreConfig s, boolean track) {
        return new AnalyzerConfig(bootstrapServers, groupId, topics, partitions, clientProperties, workDir,
                maxRecordBytes, archive, retention, s, track, labelEverySamples, labelInterval, labelWindow, invert,
                concepts, labelThreads);
    }

    public AnalyzerConfig withClientProperties(Map<String, Object> props) {
        return new AnalyzerConfig(bootstrapServers, groupId, topics, partitions, props, workDir, maxRecordBytes,
                archive, retention, statistics, trackConcepts, labelEverySamples, labelInterval, labelWindow, invert,
                concepts, labelThreads);
    }

    public AnalyzerConfig withMaxRecordBytes(int bytes) {
        return new AnalyzerConfig(bootstrapServers, groupId, topics, partitions, clientProperties, workDir, bytes,
                archive, retention, statistics, trackConcepts, labelEverySamples, labelInterval, labelWindow, invert,
                concepts, labelThreads);
    }
}
