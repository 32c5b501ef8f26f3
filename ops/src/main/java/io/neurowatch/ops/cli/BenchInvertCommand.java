package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.invert.Auroc;
import io.neurowatch.analyzers.invert.ConceptIndex;
import io.neurowatch.analyzers.invert.InvertExplainer;
import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.analyzers.synthetic.ImageNetLike;
import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.LabelMatrix;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code neurowatch bench invert}: the ImageNet-shaped INVERT workload. The baseline, measured in the same run, is the
 * reference's algorithm cost: one full O(N log N) AUROC per candidate formula, C + (L−1)·B·2K evaluations per unit.
 */
@Command(name = "invert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"INVERT on an ImageNet-like layer (default N=50,000, C=1,473, D=512, L=3, B=3).",
            "Reports seconds per unit and per layer, peak heap and RSS, and the speed-up over the reference's "
                + "sort-per-candidate scheme timed on the same data."})
public final class BenchInvertCommand implements Callable<Integer> {
    @Option(names = "--samples", defaultValue = "50000", description = "N (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--leaves", defaultValue = "1000", description = "leaf classes (default: ${DEFAULT-VALUE})")
    int leaves;

    @Option(names = "--hypernyms", defaultValue = "473", description = "hypernym concepts (default: ${DEFAULT-VALUE})")
    int hypernyms;

    @Option(names = "--units", defaultValue = "512", description = "D (default: ${DEFAULT-VALUE})")
    int units;

    @Option(names = "-L", defaultValue = "3", description = "L (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Option(names = "-B", defaultValue = "3", description = "B (default: ${DEFAULT-VALUE})")
    int beamSize;

    @Option(names = "--min-fraction", defaultValue = "0.002", description = "(default: ${DEFAULT-VALUE})")
    double minFraction;

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--baseline-evaluations", defaultValue = "200",
            description = "sort-per-candidate AUROCs timed for the baseline (default: ${DEFAULT-VALUE})")
    int baselineEvaluations;

    @Override
    public Integer call() throws Exception {
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        System.out.printf("bench invert: N=%d C=%d D=%d L=%d B=%d min_fraction=%s threads=%d heap max=%d MiB%n",
                samples, leaves + hypernyms, units, maxLength, beamSize, minFraction, workers,
                Runtime.getRuntime().maxMemory() >> 20);
        long tGen = System.nanoTime();
        ImageNetLike.Labels labels = ImageNetLike.labels(11, samples, leaves, hypernyms);
        ActivationSource source = ImageNetLike.activations(12, labels, units);
        ConceptIndex index = new ConceptIndex(labels.labels(), labels.concepts());
        System.out.printf("labels built in %.2f s (nnz %d)%n", (System.nanoTime() - tGen) / 1e9, nnz(labels.labels()));

        InvertParams params = InvertParams.of(maxLength, beamSize).withFractions(minFraction, 0.5);
        InvertExplainer explainer = new InvertExplainer(index, params, 256, workers);
        ProgressBar bar = new ProgressBar(System.err, "invert", "units");
        long t0 = System.nanoTime();
        explainer.explain(source, InvertExplainer.allFeatures(units), bar::update, r -> { });
        double layerSecs = (System.nanoTime() - t0) / 1e9;
        double perUnit = layerSecs / units;

        double perEval = baselineSecondsPerAuroc(source, labels.labels());
        int c = leaves + hypernyms;
        long evals = c + (long) (maxLength - 1) * beamSize * 2L * (2L * c);
        double baselinePerUnit = perEval * evals;

        System.out.printf("fast scheme:  %.2f s for the layer, %.2f ms per unit (wall, %d threads)%n", layerSecs,
                perUnit * 1e3, workers);
        System.out.printf("baseline:     %.3f ms per sort-per-candidate AUROC x %d candidates = %.1f s per unit "
                + "(single thread; %.1f h for the layer)%n", perEval * 1e3, evals, baselinePerUnit,
                baselinePerUnit * units / 3600);
        System.out.printf("speed-up:     %.0fx per unit (baseline single-thread / fast wall-per-unit x threads: "
                + "%.0fx per core)%n", baselinePerUnit / perUnit, baselinePerUnit / (perUnit * workers));
        System.out.printf("peak heap:    %d MiB; peak RSS: %s%n", peakHeapMiB(), peakRss());
        return 0;
    }

    /** Times the reference's per-candidate work: materialise a labelling, sort all N scores, sum ranks. */
    private double baselineSecondsPerAuroc(ActivationSource source, LabelMatrix labels) throws Exception {
        double[] scores = source.readColumns(0, 1)[0];
        boolean[] y = new boolean[samples];
        double sink = 0;
        for (int warm = 0; warm < 20; warm++) {
            sink += Auroc.of(scores, materialise(labels, warm % labels.concepts(), y));
        }
        long t0 = System.nanoTime();
        for (int k = 0; k < baselineEvaluations; k++) {
            sink += Auroc.of(scores, materialise(labels, k % labels.concepts(), y));
        }
        double secs = (System.nanoTime() - t0) / 1e9 / baselineEvaluations;
        if (Double.isNaN(sink)) {
            System.out.println("(unexpected NaN)");
        }
        return secs;
    }

    private static boolean[] materialise(LabelMatrix labels, int c, boolean[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.get(i, c);
        }
        return y;
    }

    private static long nnz(LabelMatrix m) {
        long n = 0;
        for (int c = 0; c < m.concepts(); c++) {
            n += m.count(c);
        }
        return n;
    }

    static long peakHeapMiB() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }

    static String currentRss() {
        return procStatus("VmRSS:");
    }

    static String peakRss() {
        return procStatus("VmHWM:");
    }

    private static String procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return line.substring(field.length()).trim();
                }
            }
        } catch (Exception e) {
            return "unavailable (" + e.getMessage() + ")";
        }
        return "unavailable";
    }
}
