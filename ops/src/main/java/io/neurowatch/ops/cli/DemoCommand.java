package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.analyzers.synthetic.PlantedConcepts;
import io.neurowatch.connectors.archive.WindowSpec;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.kafka.TopicSnapshot;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.stream.Analyzer;
import io.neurowatch.ops.stream.AnalyzerConfig;
import io.neurowatch.ops.stream.LabelJson;
import io.neurowatch.ops.stream.Replayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code neurowatch demo}: the whole streaming story on embedded defaults. An embedded broker, the analyzer, and a
 * stand-in inference service replaying a generated stream whose units respond to planted concept formulas; labels
 * are printed as the analyzer publishes them, then compared with the planted truth.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Embedded Kafka + streaming analyzer + a replayed stream with planted concepts: prints labels "
                + "as they are published and which planted formulas were recovered.",
            "Everything lives under --work-dir (a fresh run deletes nothing else)."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--work-dir", defaultValue = "work/demo", description = "output folder (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Option(names = "--samples", defaultValue = "20000", description = "N (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--concepts", defaultValue = "20", description = "C (default: ${DEFAULT-VALUE})")
    int concepts;

    @Option(names = "--units", defaultValue = "16", description = "D (default: ${DEFAULT-VALUE})")
    int units;

    @Option(names = "--seed", defaultValue = "7", description = "generator seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--http-port", defaultValue = "8080",
            description = "dashboard port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free, -1 = off)")
    int httpPort;

    @Option(names = "--hold", description = "keep the analyzer and dashboard running after the stream, until Ctrl-C")
    boolean hold;

    @Override
    public Integer call() throws Exception {
        Path run = workDir.resolve("run-" + System.currentTimeMillis());
        Files.createDirectories(run);
        PlantedConcepts data = PlantedConcepts.generate(seed, samples, concepts, units, 2.5);
        System.out.printf("Stream: %d samples x %d units, %d concepts; each unit responds to a planted formula.%n",
                samples, units, concepts);
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(run.resolve("kafka"), 0, Map.of())) {
            broker.start();
            System.out.printf("Embedded Kafka at %s (%.1f s)%n", broker.bootstrapServers(),
                    broker.lastStartDuration().toMillis() / 1e3);
            AnalyzerConfig cfg = AnalyzerConfig.defaults(broker.bootstrapServers(), run.resolve("analyzer"))
                    .withConcepts(data.concepts())
                    .withLabelling(samples / 4, null, WindowSpec.all(),
                            InvertParams.of(2, 3).withFractions(0.002, 0.5));
            Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
            io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                    new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
            try (Analyzer analyzer = new Analyzer(cfg, registry, System.out::println);
                 io.neurowatch.ops.http.NeurowatchHttpServer http = httpPort < 0 ? null
                         : io.neurowatch.ops.http.NeurowatchHttpServer.builder().port(httpPort).registry(registry)
                         .labels(analyzer::currentLabels).alerts(analyzer.events()).build()) {
                analyzer.start();
                if (http != null) {
                    http.start();
                    System.out.printf("dashboard: http://127.0.0.1:%d/%n", http.port());
                }
                try (KafkaRecordSink sink = new KafkaRecordSink(new java.util.HashMap<>(client))) {
                    // Four bursts, so label runs happen while the stream is still arriving.
                    int chunk = (samples + 3) / 4;
                    for (int from = 0; from < samples; from += chunk) {
                        int to = Math.min(samples, from + chunk);
                        System.out.printf("inference service: publishing samples %d..%d%n", from, to - 1);
                        Replayer.replay(data.activations(), data.labels(), from, to,
                                new Replayer.Options("demo-cnn", "1", "pool", cfg.topics().activations(), 250, 0, 0,
                                        null), sink, x -> { });
                        Thread.sleep(1500);
                    }
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (analyzer.sampleCount() < samples && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                analyzer.labelNow(Duration.ofSeconds(120));
                if (hold) {
                    System.out.println("holding: analyzer and dashboard keep running; Ctrl-C stops them");
                    new java.util.concurrent.CountDownLatch(1).await();
                }
            }
            Map<Integer, NeuronLabel> table = new TreeMap<>();
            for (byte[] v : TopicSnapshot.latestByKey(client, cfg.topics().labels(), Duration.ofSeconds(30))
                    .values()) {
                NeuronLabel l = LabelJson.decode(v);
                table.put(l.neuron().neuron(), l);
            }
            return report(data, table, run);
        }
    }

    private int report(PlantedConcepts data, Map<Integer, NeuronLabel> table, Path run) {
        int planted = 0;
        int recovered = 0;
        System.out.printf("%n%-5s %-26s %-26s %7s %s%n", "unit", "planted", "streamed INVERT label", "auroc", "");
        for (int u = 0; u < units; u++) {
            String truth = data.planted().get(u);
            NeuronLabel l = table.get(u);
            String got = l == null ? "(none)" : l.readable();
            boolean noise = truth.equals("noise");
            boolean hit = truth.equals(got);
            if (!noise) {
                planted++;
                recovered += hit ? 1 : 0;
            }
            System.out.printf("%-5d %-26s %-26s %7.4f %s%n", u, truth, got, l == null ? Double.NaN : l.score(),
                    noise ? "(noise unit: low AUROC expected)" : hit ? "recovered" : "MISSED");
        }
        System.out.printf("Recovered %d of %d planted formulas from the stream. State and archive: %s%n", recovered,
                planted, run);
        return recovered == planted ? 0 : 1;
    }
}
