package io.neurowatch.ops.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurowatch.ops.config.Settings;
import io.neurowatch.ops.http.AnalyzerHttp;
import io.neurowatch.ops.http.HttpSettings;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.stream.Analyzer;
import io.neurowatch.ops.stream.AnalyzerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurowatch serve}: the streaming analyzer, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the streaming analyzer: consume activation batches, archive them (HDF5), keep statistics "
                + "(RocksDB), publish INVERT labels and label-change events; bad records go to the dead-letter topic.",
            "Without --bootstrap-servers (flag, config or NEUROWATCH_BOOTSTRAP_SERVERS) an embedded broker is "
                + "started on 127.0.0.1. Settings: docs/configuration.md."})
public final class ServeCommand implements Callable<Integer> {
    /** Exit code when the analyzer's pipeline stopped on an error it cannot heal (docs/cli.md). */
    public static final int EXIT_PIPELINE_STOPPED = 3;

    @Option(names = "--config", paramLabel = "FILE",
            description = "settings file: YAML (.yaml/.yml) or Java properties (docs/configuration.md)")
    Path config;

    @Option(names = "--bootstrap-servers", description = "external Kafka; omit to run the embedded broker")
    String bootstrap;

    @Option(names = "--broker-port", defaultValue = "9092",
            description = "port of the embedded broker on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free)")
    int brokerPort;

    @Option(names = "--work-dir", defaultValue = "work/serve",
            description = "state, archive and embedded broker data (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Mixin
    HttpFlags http = new HttpFlags();

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override any settings key (docs/configuration.md), e.g. --set label.every-samples=5000")
    Map<String, String> overrides = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        Settings settings = http.apply(Settings.load(config, System.getenv(), overrides));
        if (bootstrap != null) {
            settings = settings.with("bootstrap.servers", bootstrap);
        }
        HttpSettings httpSettings = settings.http();
        EmbeddedKafkaBroker broker = null;
        if (!settings.contains("bootstrap.servers")) {
            broker = new EmbeddedKafkaBroker(workDir.resolve("kafka"), brokerPort, Map.of());
            broker.start();
            settings = settings.with("bootstrap.servers", broker.bootstrapServers());
            System.out.printf("embedded Kafka broker at %s%n", broker.bootstrapServers());
        }
        AnalyzerConfig cfg = settings.analyzer(workDir);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Analyzer analyzer = new Analyzer(cfg, registry, System.out::println);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<AnalyzerHttp> server = new AtomicReference<>();
        EmbeddedKafkaBroker ownedBroker = broker;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                AnalyzerHttp h = server.get();
                if (h != null) {
                    h.close();
                }
                analyzer.close();
                if (ownedBroker != null) {
                    ownedBroker.close();
                }
            } finally {
                stopped.countDown();
            }
        }, "neurowatch-serve-shutdown"));
        // The HTTP server first: the analyzer tells its group the bound port, so any instance answers for any layer.
        String advertised = cfg.streams().advertisedUrl();
        if (httpSettings.enabled()) {
            server.set(AnalyzerHttp.start(analyzer, registry, httpSettings));
            System.out.printf("dashboard: %s  (API: /api/models, metrics: /metrics)%n",
                    httpSettings.url(server.get().port()));
            if (advertised == null) {
                advertised = hostPort(httpSettings.host(), server.get().port());
            }
        }
        analyzer.start(advertised);
        System.out.printf("analyzer running: consuming %s on %s, work dir %s. Ctrl-C stops it.%n",
                cfg.topics().activations(), cfg.bootstrapServers(), cfg.workDir());
        System.out.flush();
        // A pipeline that stopped never looks healthy: the process exits non-zero, so a supervisor restarts it.
        while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            Throwable failure = analyzer.failure();
            if (failure != null) {
                System.err.println("error: the analyzer stopped: " + failure);
                System.err.flush();
                return EXIT_PIPELINE_STOPPED;
            }
        }
        return 0;
    }

    /** {@code host:port} as Kafka Streams' {@code application.server} takes it (IPv6 in brackets). */
    static String hostPort(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
