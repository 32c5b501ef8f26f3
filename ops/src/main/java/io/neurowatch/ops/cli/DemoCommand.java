package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.analyzers.synthetic.PlantedConcepts;
import io.neurowatch.ops.config.Settings;
import io.neurowatch.ops.demo.DemoRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    HttpFlags http = new HttpFlags();

    @Option(names = "--config", paramLabel = "FILE",
            description = "settings file (YAML or properties, docs/configuration.md); the demo keeps its own broker")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override any settings key, e.g. --set "
            + "label.every-samples=2000")
    Map<String, String> overrides = new HashMap<>();

    @Option(names = "--no-model", description = "skip the model side (CNN with a planted watermark, DORA, artifact "
            + "alerts) and stream the planted-concept table only")
    boolean noModel;

    @Option(names = "--hold", description = "keep the analyzer and dashboard running after the stream, until Ctrl-C")
    boolean hold;

    @Override
    public Integer call() throws Exception {
        Path run = workDir.resolve("run-" + System.currentTimeMillis());
        Files.createDirectories(run);
        Settings settings = http.apply(Settings.load(config, System.getenv(), overrides));
        if (!settings.contains("dashboard.results-dir")) {
            settings = settings.with("dashboard.results-dir", run.resolve("results").toString());
        }
        io.neurowatch.ops.demo.ArtifactDemo model = null;
        if (!noModel) {
            model = io.neurowatch.ops.demo.ArtifactDemo.train(run.resolve("model"), System.out::println);
            settings = model.configure(settings);
        }
        System.out.printf("Stream: %d samples x %d units, %d concepts; each unit responds to a planted formula.%n",
                samples, units, concepts);
        try (DemoRun demo = DemoRun.start(run, new DemoRun.Stream(samples, concepts, units, seed), settings,
                System.out::println)) {
            // Four bursts, so label runs happen while the stream is still arriving.
            int chunk = (samples + 3) / 4;
            for (int from = 0; from < samples; from += chunk) {
                int to = Math.min(samples, from + chunk);
                System.out.printf("inference service: publishing samples %d..%d%n", from, to - 1);
                demo.publish(from, to);
                Thread.sleep(1500);
            }
            demo.awaitSamples(samples, Duration.ofSeconds(120));
            demo.analyzer().labelNow(Duration.ofSeconds(120));
            int status = report(demo.data(), demo.publishedInvertLabels(), run);
            if (model != null && !model.run(demo, System.out::println)) {
                status = 1;
            }
            if (hold) {
                System.out.println("holding: analyzer and dashboard keep running; Ctrl-C stops them");
                new java.util.concurrent.CountDownLatch(1).await();
            }
            return status;
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
