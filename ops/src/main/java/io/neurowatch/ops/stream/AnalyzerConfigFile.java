package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.analyzers.invert.Mode;
import io.neurowatch.connectors.archive.RetentionPolicy;
import io.neurowatch.connectors.archive.WindowSpec;
import io.neurowatch.connectors.io.Hdf5WriteOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads analyzer settings from a Java properties file (keys in docs/streaming.md) on top of defaults. Precedence,
 * highest first: command-line flags (applied by the caller as overrides), environment variables
 * {@code NEUROWATCH_<KEY>} (dots and dashes as underscores, upper case), the file, the built-in defaults.
 * Unknown keys are errors, so a typo never silently keeps a default.
 */
public final class AnalyzerConfigFile {
    /** Every accepted key; {@code kafka.*} keys pass through to the Kafka clients. */
    public static final Set<String> KEYS = Set.of("bootstrap.servers", "group.id", "partitions", "max-record-bytes",
            "topics.activations", "topics.annotations", "topics.labels", "topics.label-events", "topics.dead-letters",
            "topics.alerts", "archive.rows-per-segment", "archive.compression", "archive.max-segment-age", "retention.max-age",
            "retention.max-bytes", "stats.track-concepts", "stats.threads", "stats.annotation-window", "label.every-samples", "label.interval", "label.window",
            "label.threads", "invert.L", "invert.B", "invert.min-fraction", "invert.max-fraction", "invert.mode",
            "concepts", "alerts.detectors", "alerts.percentile", "alerts.threshold", "alerts.reference-samples",
            "alerts.min-samples", "alerts.refresh", "clip.function", "clip.top-k", "clip.concepts",
            "model.path", "model.id", "model.layer", "model.input-scaling", "dora.samples", "dora.iters", "dora.lr",
            "dora.seed", "dora.n-neighbors", "dora.report-top");

    private AnalyzerConfigFile() {
    }

    /** Reads a properties file; null path gives an empty set. */
    public static Map<String, String> read(Path file) throws IOException {
        Map<String, String> out = new HashMap<>();
        if (file == null) {
            return out;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        for (String k : p.stringPropertyNames()) {
            out.put(k, p.getProperty(k).trim());
        }
        return out;
    }

    /** {@code NEUROWATCH_LABEL_EVERY_SAMPLES=…} style overrides for every known key. */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        for (String k : KEYS) {
            String name = "NEUROWATCH_" + k.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
            if (env.containsKey(name)) {
                out.put(k, env.get(name));
            }
        }
        return out;
    }

    /**
     * Applies settings to a base configuration.
     *
     * @param source where the settings came from, for error messages
     * @throws IllegalArgumentException naming the key and the value for unknown keys and bad values
     */
    public static AnalyzerConfig apply(AnalyzerConfig base, Map<String, String> settings, String source)
            throws IOException {
        Set<String> unknown = new TreeSet<>();
        for (String k : settings.keySet()) {
            if (!KEYS.contains(k) && !k.startsWith("kafka.")) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(source + ": unknown keys " + unknown + "; see docs/streaming.md");
        }
        AnalyzerConfig c = base;
        Map<String, Object> client = new HashMap<>(c.clientProperties());
        settings.forEach((k, v) -> {
            if (k.startsWith("kafka.")) {
                client.put(k.substring(6), v);
            }
        });
        c = c.withClientProperties(client);
        String bootstrap = settings.getOrDefault("bootstrap.servers", c.bootstrapServers());
        Topics t = c.topics();
        t = new Topics(settings.getOrDefault("topics.activations", t.activations()),
                settings.getOrDefault("topics.annotations", t.annotations()),
                settings.getOrDefault("topics.labels", t.labels()),
                settings.getOrDefault("topics.label-events", t.labelEvents()),
                settings.getOrDefault("topics.dead-letters", t.deadLetters()),
                settings.getOrDefault("topics.alerts", t.alerts()));
        InvertParams inv = c.invert();
        inv = InvertParams.of(integer(settings, "invert.L", inv.maxLength(), source),
                integer(settings, "invert.B", inv.beamSize(), source))
                .withFractions(decimal(settings, "invert.min-fraction", inv.minFraction(), source),
                        decimal(settings, "invert.max-fraction", inv.maxFraction(), source))
                .withMode(settings.containsKey("invert.mode") ? Mode.parse(settings.get("invert.mode")) : inv.mode());
        RetentionPolicy retention = c.retention();
        if (settings.containsKey("retention.max-age") || settings.containsKey("retention.max-bytes")) {
            retention = new RetentionPolicy(settings.containsKey("retention.max-age")
                    ? duration(settings, "retention.max-age", source) : null,
                    settings.containsKey("retention.max-bytes")
                            ? longValue(settings, "retention.max-bytes", 0, source) : 0);
        }
        c = new AnalyzerConfig(bootstrap, settings.getOrDefault("group.id", c.groupId()), t,
                integer(settings, "partitions", c.partitions(), source), c.clientProperties(), c.workDir(),
                integer(settings, "max-record-bytes", c.maxRecordBytes(), source),
                c.archive().withRowsPerSegment(integer(settings, "archive.rows-per-segment",
                        c.archive().rowsPerSegment(), source))
                        .withMaxSegmentAge(settings.containsKey("archive.max-segment-age")
                                ? duration(settings, "archive.max-segment-age", source) : c.archive().maxSegmentAge())
                        .withWriteOptions(archiveWriteOptions(c.archive().writeOptions(),
                                integer(settings, "archive.compression", c.archive().writeOptions().deflateLevel(),
                                        source))),
                retention, statistics(settings, c.statistics(), source),
                Boolean.parseBoolean(settings.getOrDefault("stats.track-concepts", String.valueOf(c.trackConcepts()))),
                longValue(settings, "label.every-samples", c.labelEverySamples(), source),
                settings.containsKey("label.interval") ? nullableDuration(settings.get("label.interval"), source)
                        : c.labelInterval(),
                settings.containsKey("label.window") ? window(settings.get("label.window"), source) : c.labelWindow(),
                inv,
                settings.containsKey("concepts") ? io.neurowatch.connectors.io.ConceptSetReader.read(
                        Path.of(settings.get("concepts"))) : c.concepts(),
                integer(settings, "label.threads", c.labelThreads(), source), alerts(settings, c.alerts(), source),
                clip(settings, c.clip(), source), model(settings, c.model(), source),
                integer(settings, "stats.annotation-window", c.annotationWindow(), source));
        return c;
    }

    private static ModelSettings model(Map<String, String> s, ModelSettings m, String source) {
        if (!s.containsKey("model.path")) {
            for (String k : s.keySet()) {
                if (k.startsWith("model.") || k.startsWith("dora.")) {
                    throw new IllegalArgumentException(source + ": " + k + " needs model.path");
                }
            }
            return m;
        }
        for (String k : List.of("model.id", "model.layer")) {
            if (!s.containsKey(k)) {
                throw new IllegalArgumentException(source + ": model.path needs " + k);
            }
        }
        String scaling = s.getOrDefault("model.input-scaling", "imagenet");
        if (!scaling.equals("imagenet") && !scaling.equals("unit")) {
            throw new IllegalArgumentException(source + ": model.input-scaling = '" + scaling
                    + "' is not imagenet or unit");
        }
        ModelSettings d = ModelSettings.of(Path.of(s.get("model.path")), s.get("model.id"), s.get("model.layer"));
        try {
            return new ModelSettings(d.path(), d.modelId(), d.layer(), scaling.equals("imagenet"),
                    integer(s, "dora.samples", d.samples(), source), integer(s, "dora.iters", d.iters(), source),
                    decimal(s, "dora.lr", d.lr(), source), longValue(s, "dora.seed", d.seed(), source),
                    integer(s, "dora.n-neighbors", d.nNeighbors(), source),
                    integer(s, "dora.report-top", d.reportTop(), source));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(source) ? e.getMessage()
                    : source + ": " + e.getMessage(), e);
        }
    }

    private static ClipSettings clip(Map<String, String> s, ClipSettings c, String source) throws IOException {
        io.neurowatch.analyzers.clipdissect.DissectParams p = c.params();
        try {
            if (s.containsKey("clip.function")) {
                p = io.neurowatch.analyzers.clipdissect.DissectParams.defaults(
                        io.neurowatch.analyzers.clipdissect.SimilarityFunction.parse(s.get("clip.function")));
            }
            p = p.withTopK(integer(s, "clip.top-k", p.topK(), source));
            List<String> names = c.concepts();
            if (s.containsKey("clip.concepts")) {
                io.neurowatch.connectors.io.ConceptList list =
                        io.neurowatch.connectors.io.ConceptListReader.read(Path.of(s.get("clip.concepts")));
                if (!list.duplicates().isEmpty()) {
                    // Streamed similarity columns are positional: a dropped duplicate would shift every later one.
                    throw new IllegalArgumentException(String.join("; ", list.warnings()));
                }
                names = list.concepts();
            }
            return new ClipSettings(p, names);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(source) ? e.getMessage()
                    : source + ": clip: " + e.getMessage(), e);
        }
    }

    private static AlertSettings alerts(Map<String, String> s, AlertSettings a, String source) {
        List<io.neurowatch.analyzers.artifacts.ArtifactDetector> detectors = a.detectors();
        if (s.containsKey("alerts.detectors")) {
            detectors = new java.util.ArrayList<>();
            for (String d : s.get("alerts.detectors").split(",")) {
                if (!d.isBlank()) {
                    try {
                        detectors.add(io.neurowatch.analyzers.artifacts.ArtifactDetector.parse(d));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(source + ": alerts.detectors: " + e.getMessage(), e);
                    }
                }
            }
        }
        try {
            return new AlertSettings(detectors, decimal(s, "alerts.percentile", a.percentile(), source),
                    s.containsKey("alerts.threshold")
                            ? io.neurowatch.analyzers.artifacts.ThresholdMode.parse(s.get("alerts.threshold")) : a.mode(),
                    longValue(s, "alerts.reference-samples", a.referenceSamples(), source),
                    longValue(s, "alerts.min-samples", a.minSamples(), source),
                    s.containsKey("alerts.refresh") ? duration(s, "alerts.refresh", source) : a.refresh());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(source) ? e.getMessage()
                    : source + ": alerts: " + e.getMessage(), e);
        }
    }

    /** {@code all}, {@code last:N} (samples) or {@code duration:PT1H} (ISO-8601, relative to the newest sample). */
    public static WindowSpec window(String v, String source) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("all")) {
                return WindowSpec.all();
            } else if (s.startsWith("last:")) {
                return WindowSpec.lastSamples(Long.parseLong(s.substring(5)));
            } else if (s.startsWith("duration:")) {
                return WindowSpec.lastDuration(Duration.parse(v.trim().substring(9)));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(source + ": label.window '" + v
                + "' is not all, last:<samples> or duration:<ISO-8601 duration such as PT1H>");
    }

    private static Duration nullableDuration(String v, String source) {
        if (v.isBlank() || v.equalsIgnoreCase("off")) {
            return null;
        }
        try {
            return Duration.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(source + ": '" + v + "' is not an ISO-8601 duration such as PT30S");
        }
    }

    private static Duration duration(Map<String, String> s, String key, String source) {
        try {
            return Duration.parse(s.get(key));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(source + ": " + key + " = '" + s.get(key)
                    + "' is not an ISO-8601 duration such as PT1H");
        }
    }

    private static io.neurowatch.core.state.StatisticsStoreConfig statistics(Map<String, String> s,
            io.neurowatch.core.state.StatisticsStoreConfig base, String source) {
        try {
            return base.withStagingThreads(integer(s, "stats.threads", base.stagingThreads(), source));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(source) ? e.getMessage()
                    : source + ": stats.threads: " + e.getMessage(), e);
        }
    }

    private static int integer(Map<String, String> s, String key, int dflt, String source) {
        return (int) longValue(s, key, dflt, source);
    }

    private static long longValue(Map<String, String> s, String key, long dflt, String source) {
        String v = s.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": " + key + " = '" + v + "' is not an integer");
        }
    }

    private static double decimal(Map<String, String> s, String key, double dflt, String source) {
        String v = s.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": " + key + " = '" + v + "' is not a number");
        }
    }

    /**
     * Deflate needs chunked storage: a level above 0 gives chunks (1024, 256) with byte shuffle and deflate, 0 gives
     * contiguous, unfiltered segments (the fast path).
     */
    private static Hdf5WriteOptions archiveWriteOptions(Hdf5WriteOptions current, int deflateLevel) {
        if (deflateLevel == 0) {
            return current.contiguous();
        }
        Hdf5WriteOptions d = Hdf5WriteOptions.defaults();
        return current.withChunks(d.chunkRows(), d.chunkCols()).withCompression(deflateLevel, true);
    }
}
