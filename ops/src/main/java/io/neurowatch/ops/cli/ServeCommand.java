package io.neurowatch.ops.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.stream.Analyzer;
import io.neurowatch.ops.stream.AnalyzerConfig;
import io.neurowatch.ops.stream.AnalyzerConfigFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurowatch serve}: the streaming analyzer, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the streaming analyzer: consume activation batches, archive them (HDF5), keep statistics "
                + "(RocksDB), publish INVERT labels and label-change events; bad records go to the dead-letter topic.",
            "Without --bootstrap-servers (flag, config or NEUROWATCH_BOOTSTRAP_SERVERS) an embedded broker is "
                + "started on 127.0.0.1. Settings: docs/streaming.md."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "properties file with analyzer settings")
    Path config;

    @Option(names = "--bootstrap-servers", description = "external Kafka; omit to run the embedded broker")
    String bootstrap;

    @Option(names = "--broker-port", defaultValue = "9092",
            description = "port of the embedded broker on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free)")
    int brokerPort;

    @Option(names = "--work-dir", defaultValue = "work/serve",
            description = "state, archive and embedded broker data (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Option(names = "--http-port", defaultValue = "8080",
            description = "dashboard, HTTP API and /metrics port (default: ${DEFAULT-VALUE}; 0 = any free, -1 = off)")
    int httpPort;

    @Option(names = "--http-host", defaultValue = "127.0.0.1",
            description = "address to bind (default: ${DEFAULT-VALUE}); anything else needs --http-allow-remote")
    String httpHost;

    @Option(names = "--http-allow-remote", description = "allow a non-loopback --http-host (requires a token)")
    boolean httpAllowRemote;

    @Option(names = "--http-token", paramLabel = "TOKEN", description = "bearer token required on every request "
            + "(default: environment NEUROWATCH_HTTP_TOKEN)")
    String httpToken;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override any settings key (docs/streaming.md), e.g. --set label.every-samples=5000")
    Map<String, String> overrides = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = AnalyzerConfigFile.read(config);
        settings.putAll(AnalyzerConfigFile.fromEnvironment(System.getenv()));
        settings.putAll(overrides);
        if (bootstrap != null) {
            settings.put("bootstrap.servers", bootstrap);
        }
        EmbeddedKafkaBroker broker = null;
        if (!settings.containsKey("bootstrap.servers")) {
            broker = new EmbeddedKafkaBroker(workDir.resolve("kafka"), brokerPort, Map.of());
            broker.start();
            settings.put("bootstrap.servers", broker.bootstrapServers());
            System.out.printf("embedded Kafka broker at %s%n", broker.bootstrapServers());
        }
        AnalyzerConfig cfg = AnalyzerConfigFile.apply(AnalyzerConfig.defaults(settings.get("bootstrap.servers"),
                workDir), settings, config == null ? "settings" : config.toString());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Analyzer analyzer = new Analyzer(cfg, registry, System.out::println);
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedKafkaBroker ownedBroker = broker;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                analyzer.close();
                if (ownedBroker != null) {
                    ownedBroker.close();
                }
            } finally {
                stopped.countDown();
            }
        }, "neurowatch-serve-shutdown"));
        analyzer.start();
        io.neurowatch.ops.http.NeurowatchHttpServer http = null;
        if (httpPort >= 0) {
            String token = httpToken != null ? httpToken : System.getenv("NEUROWATCH_HTTP_TOKEN");
            http = io.neurowatch.ops.http.NeurowatchHttpServer.builder().host(httpHost).port(httpPort)
                    .allowRemote(httpAllowRemote).bearerToken(token).registry(registry)
                    .readiness(() -> analyzer.failure() == null
                            ? io.neurowatch.ops.http.Readiness.up()
                            : io.neurowatch.ops.http.Readiness.notReady(String.valueOf(analyzer.failure())))
                    .labels(analyzer::currentLabels).alerts(analyzer.events()).build().start();
            System.out.printf("dashboard: http://%s:%d/  (metrics: /metrics, API: /api/labels)%n", httpHost,
                    http.port());
        }
        io.neurowatch.ops.http.NeurowatchHttpServer ownedHttp = http;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (ownedHttp != null) {
                ownedHttp.close();
            }
        }, "neurowatch-http-shutdown"));
        System.out.printf("analyzer running: consuming %s on %s, work dir %s. Ctrl-C stops it.%n",
                cfg.topics().activations(), cfg.bootstrapServers(), cfg.workDir());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
