package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.invert.ConceptIndex;
import io.neurowatch.analyzers.invert.InvertExplainer;
import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.analyzers.invert.UnitResult;
import io.neurowatch.analyzers.synthetic.PlantedConcepts;
import io.neurowatch.ops.invert.InvertResultsJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code neurowatch demo}: generates a dataset whose units respond to known concept formulas, labels every unit with
 * INVERT and shows which planted formulas it recovered.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run INVERT on a generated dataset with planted concepts and print the recovered labels.")
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

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(workDir);
        PlantedConcepts data = PlantedConcepts.generate(seed, samples, concepts, units, 2.5);
        System.out.printf("Generated %d samples x %d units with %d concepts; unit d responds to a planted formula.%n",
                samples, units, concepts);
        InvertParams params = InvertParams.of(2, 3).withFractions(0.002, 0.5);
        InvertExplainer explainer = new InvertExplainer(new ConceptIndex(data.labels(), data.concepts()), params, 256,
                Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        List<UnitResult> results = explainer.explainAll(data.activations(), InvertExplainer.ProgressListener.NONE);
        double secs = (System.nanoTime() - t0) / 1e9;
        Path out = workDir.resolve("invert-labels.json");
        try (InvertResultsJson json = new InvertResultsJson(out, params, 256,
                Map.of("source", "PlantedConcepts seed " + seed), data.concepts())) {
            for (UnitResult r : results) {
                json.write(r);
            }
            json.complete();
        }
        int planted = 0;
        int recovered = 0;
        System.out.printf("%-5s %-28s %-28s %7s %s%n", "unit", "planted", "INVERT label (L=2, B=3)", "auroc", "");
        for (UnitResult r : results) {
            String truth = data.planted().get(r.feature());
            String got = r.best().map(e -> e.canonical()).orElse("(none)");
            double auroc = r.best().map(e -> e.auroc()).orElse(Double.NaN);
            boolean noise = truth.equals("noise");
            boolean hit = truth.equals(got);
            if (!noise) {
                planted++;
                recovered += hit ? 1 : 0;
            }
            System.out.printf("%-5d %-28s %-28s %7.4f %s%n", r.feature(), truth, got, auroc,
                    noise ? "(noise unit: low AUROC expected)" : hit ? "recovered" : "MISSED");
        }
        System.out.printf("Recovered %d of %d planted formulas in %.2f s. Labels: %s%n", recovered, planted, secs, out);
        return recovered == planted ? 0 : 1;
    }
}
