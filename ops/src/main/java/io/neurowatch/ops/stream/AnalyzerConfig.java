package io.neurowatch.ops.stream;

import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything the streaming analyzer needs, as one immutable snapshot: one settings record per stage, each read off
 * the same parsed {@link SettingValues}. Every key is declared once, in its stage's record; {@link #TABLE} lists
 * them all (and is what {@code neurowatch config}, {@code serve --help} and docs/streaming.md show).
 *
 * <p>Tests and embedding code change a key with {@link #with}, which re-derives every stage's record, so a
 * change is validated exactly as the same key in a settings file would be.
 *
 * @param workDir root of the state ({@code state/}, RocksDB) and archive ({@code archive/}, HDF5)
 * @param values the parsed settings every record below was read from
 */
public record AnalyzerConfig(Path workDir, SettingValues values, KafkaSettings kafka, StreamsSettings streams,
                             IngestSettings ingest,
                             ArchiveSettings archive, StatisticsSettings statistics, LabelSettings labels,
                             AlertSettings alerts, ClipSettings clip, ModelSettings model) {
    /** Every key of the analyzer, grouped by stage. */
    public static final SettingsTable TABLE = SettingsTable.of(groups(), List.of(KafkaSettings.CLIENT_PREFIX));

    public AnalyzerConfig {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(values, "values");
    }

    /** The analyzer's groups, in the order the docs list them. */
    public static List<SettingsTable.Group> groups() {
        return List.of(KafkaSettings.GROUP, StreamsSettings.GROUP, IngestSettings.GROUP, ArchiveSettings.GROUP, StatisticsSettings.GROUP,
                LabelSettings.GROUP, AlertSettings.GROUP, ClipSettings.GROUP, ModelSettings.GROUP);
    }

    /**
     * Reads every stage's settings.
     *
     * @param values parsed by {@link #TABLE} or by a table that contains all of its groups
     * @throws io.neurowatch.core.config.SettingException for values that are invalid together (naming the keys)
     */
    public static AnalyzerConfig from(Path workDir, SettingValues values) {
        return new AnalyzerConfig(workDir, values, KafkaSettings.from(values), StreamsSettings.from(values),
                IngestSettings.from(values),
                ArchiveSettings.from(values), StatisticsSettings.from(values), LabelSettings.from(values),
                AlertSettings.from(values), ClipSettings.from(values), ModelSettings.from(values));
    }

    /** Every key at its default, against {@code bootstrapServers}. */
    public static AnalyzerConfig defaults(String bootstrapServers, Path workDir) {
        return from(workDir, TABLE.defaults().with(KafkaSettings.BOOTSTRAP_SERVERS, bootstrapServers));
    }

    /** A copy with one key changed, validated as the same key in a settings file would be. */
    public <T> AnalyzerConfig with(Setting<T> setting, T value) {
        return from(workDir, values.with(setting, value));
    }

    /**
     * A copy with several keys changed at once and validated together, for keys that need each other
     * ({@code model.path} with {@code model.id} and {@code model.layer}).
     */
    public AnalyzerConfig with(UnaryOperator<SettingValues> change) {
        return from(workDir, change.apply(values));
    }

    /** A copy with a {@code kafka.*} client property set. */
    public AnalyzerConfig withClientProperty(String property, String value) {
        return from(workDir, values.withPassthrough(KafkaSettings.CLIENT_PREFIX.prefix() + property, value));
    }

    /**
     * A copy whose topics other than the activations are {@code prefix + name} ({@code prefix}labels, …): tests and
     * benchmarks that share a broker keep their outputs apart this way.
     */
    public AnalyzerConfig withTopicPrefix(String prefix) {
        SettingValues v = values;
        for (Setting<String> s : List.of(KafkaSettings.ANNOTATIONS, KafkaSettings.LABELS, KafkaSettings.LABEL_EVENTS,
                KafkaSettings.DEAD_LETTERS, KafkaSettings.ALERTS)) {
            v = v.with(s, prefix + s.name().substring("topics.".length()));
        }
        return from(workDir, v);
    }

    /** A copy with another work dir. */
    public AnalyzerConfig withWorkDir(Path dir) {
        return from(dir, values);
    }

    /**
     * Equal when every stage's settings and the work dir are: the parsed values themselves may differ in keys the
     * analyzer does not read (those of the HTTP server, say).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof AnalyzerConfig c && workDir.equals(c.workDir) && kafka.equals(c.kafka)
                && streams.equals(c.streams) && ingest.equals(c.ingest) && archive.equals(c.archive) && statistics.equals(c.statistics)
                && labels.equals(c.labels) && alerts.equals(c.alerts) && clip.equals(c.clip)
                && Objects.equals(model, c.model);
    }

    @Override
    public int hashCode() {
        return Objects.hash(workDir, kafka, streams, ingest, archive, statistics, labels, alerts, clip, model);
    }

    public Topics topics() {
        return kafka.topics();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }
}
