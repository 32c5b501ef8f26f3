package io.neurowatch.ops.demo;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.analyzers.synthetic.PlantedConcepts;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.TopicSnapshot;
import io.neurowatch.ops.config.Settings;
import io.neurowatch.ops.http.AnalyzerHttp;
import io.neurowatch.ops.http.HttpSettings;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.stream.Analyzer;
import io.neurowatch.ops.stream.AnalyzerConfig;
import io.neurowatch.ops.stream.KafkaSettings;
import io.neurowatch.ops.stream.LabelJson;
import io.neurowatch.ops.stream.LabelSettings;
import io.neurowatch.ops.stream.Replayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What {@code neurowatch demo} assembles: an embedded broker, the streaming analyzer (INVERT labels every N/4
 * samples, L = 2, B = 3), the HTTP server, and a stand-in inference service that publishes a generated stream whose
 * units respond to planted concept formulas, burst by burst. The command and the dashboard's end-to-end test both
 * run it, so the test sees exactly what a user sees.
 */
public final class DemoRun implements AutoCloseable {
    public static final String MODEL = "demo-cnn";
    public static final String VERSION = "1";
    public static final String LAYER = "pool";
    private static final int RECORD_SAMPLES = 250;

    private final PlantedConcepts data;
    private final EmbeddedKafkaBroker broker;
    private final AnalyzerConfig config;
    private final Analyzer analyzer;
    private final AnalyzerHttp http;
    private final KafkaRecordSink sink;

    private DemoRun(PlantedConcepts data, EmbeddedKafkaBroker broker, AnalyzerConfig config, Analyzer analyzer,
                    AnalyzerHttp http, KafkaRecordSink sink) {
        this.data = data;
        this.broker = broker;
        this.config = config;
        this.analyzer = analyzer;
        this.http = http;
        this.sink = sink;
    }

    /**
     * The stream's shape and generator.
     *
     * @param samples N
     * @param concepts C
     * @param units D
     */
    public record Stream(int samples, int concepts, int units, long seed) {
    }

    /**
     * Starts broker, analyzer and (unless {@code http.port} is -1) the HTTP server under {@code dir}. The demo's
     * own labelling schedule is the base; settings keys override it, except that the demo always uses its own
     * broker.
     *
     * @param announce receives the analyzer's label-run lines and the demo's own
     */
    public static DemoRun start(Path dir, Stream stream, Settings settings, Consumer<String> announce)
            throws IOException {
        PlantedConcepts data = PlantedConcepts.generate(stream.seed(), stream.samples(), stream.concepts(),
                stream.units(), 2.5);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0, Map.of());
        Analyzer analyzer = null;
        AnalyzerHttp http = null;
        try {
            broker.start();
            announce.accept(String.format("Embedded Kafka at %s (%.1f s)", broker.bootstrapServers(),
                    broker.lastStartDuration().toMillis() / 1e3));
            // The demo's own defaults: its generated concept names, a label run per quarter of the stream, and
            // formulas of up to two concepts. A settings file, the environment or --set still outrank them.
            Path concepts = Files.write(Files.createDirectories(dir).resolve("concepts.txt"),
                    data.concepts().asList().stream().map(io.neurowatch.core.Concept::id).toList());
            Settings s = settings.withDefaults("demo defaults", Map.of(
                    LabelSettings.CONCEPTS.name(), concepts.toString(),
                    LabelSettings.EVERY_SAMPLES.name(), Long.toString(stream.samples() / 4),
                    LabelSettings.INTERVAL.name(), "off",
                    LabelSettings.LENGTH.name(), "2",
                    LabelSettings.MIN_FRACTION.name(), "0.002"))
                    .with(KafkaSettings.BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
            AnalyzerConfig cfg = s.analyzer(dir.resolve("analyzer"));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            analyzer = new Analyzer(cfg, registry, announce);
            analyzer.start();
            HttpSettings h = s.http();
            if (h.enabled()) {
                http = AnalyzerHttp.start(analyzer, registry, h);
                announce.accept("dashboard: " + h.url(http.port()));
            }
            KafkaRecordSink sink = new KafkaRecordSink(new HashMap<>(Map.of("bootstrap.servers",
                    broker.bootstrapServers())));
            return new DemoRun(data, broker, cfg, analyzer, http, sink);
        } catch (IOException | RuntimeException e) {
            closeQuietly(http);
            closeQuietly(analyzer);
            closeQuietly(broker);
            throw e;
        }
    }

    /** The producer the demo's inference services share. */
    public KafkaRecordSink sink() {
        return sink;
    }

    /** The analyzer's configuration (topics, alerts, model). */
    public AnalyzerConfig config() {
        return config;
    }

    /** Publishes samples {@code [from, to)} as the inference service would, waiting until the broker has them. */
    public void publish(int from, int to) throws IOException {
        Replayer.replay(data.activations(), data.labels(), from, to, Replayer.Options.of(MODEL, LAYER,
                config.topics().activations()).withModelVersion(VERSION).withBatchSize(RECORD_SAMPLES), sink, x -> { });
    }

    /**
     * Waits until the analyzer has archived {@code samples} samples.
     *
     * @return whether it did within the timeout
     */
    public boolean awaitSamples(long samples, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (analyzer.sampleCount() < samples) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The published INVERT labels by neuron, read back from the labels topic. */
    public Map<Integer, NeuronLabel> publishedInvertLabels() throws IOException {
        Map<Integer, NeuronLabel> table = new TreeMap<>();
        for (byte[] v : TopicSnapshot.latestByKey(Map.of("bootstrap.servers", broker.bootstrapServers()),
                config.topics().labels(), Duration.ofSeconds(30)).values()) {
            NeuronLabel l = LabelJson.decode(v);
            if (l.method().equals("invert")) {
                table.put(l.neuron().neuron(), l);
            }
        }
        return table;
    }

    public PlantedConcepts data() {
        return data;
    }

    public Analyzer analyzer() {
        return analyzer;
    }

    /** The HTTP server, or null when {@code http.port} is -1. */
    public AnalyzerHttp http() {
        return http;
    }

    @Override
    public void close() {
        closeQuietly(sink);
        closeQuietly(http);
        closeQuietly(analyzer);
        closeQuietly(broker);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(DemoRun.class).warn("closing {}: {}", c, e.toString());
        }
    }
}
