package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.invert.Alternative;
import io.neurowatch.analyzers.invert.ConceptIndex;
import io.neurowatch.analyzers.invert.Explanation;
import io.neurowatch.analyzers.invert.InvertExplainer;
import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.analyzers.invert.Mode;
import io.neurowatch.analyzers.invert.UnitResult;
import io.neurowatch.connectors.io.ConceptSetReader;
import io.neurowatch.connectors.io.LabelReader;
import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.LabelMatrix;
import io.neurowatch.ops.invert.InvertResultsJson;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurowatch explain}: INVERT labels for the units of one activation table. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Label every unit with the boolean concept formula whose samples best separate high from low "
                + "activations (INVERT, exact AUROC with midranks, beam search).",
            "Prints a table and writes JSON (schema: docs/file-formats.md)."})
public final class ExplainCommand implements Callable<Integer> {

    @Option(names = "--activations", required = true, paramLabel = "FILE|DIR",
            description = ".npy [N] or [N,D] float32/float64, an HDF5 file, or a directory of HDF5 segments")
    Path activations;

    @Option(names = "--dataset", defaultValue = "Y", description = "HDF5 activation dataset (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--labels", required = true, paramLabel = "FILE",
            description = ".npy or HDF5 [N,C] of 0/1 or bool: label row i describes sample i")
    Path labels;

    @Option(names = "--labels-dataset", defaultValue = LabelReader.DEFAULT_DATASET,
            description = "HDF5 label dataset (default: ${DEFAULT-VALUE})")
    String labelsDataset;

    @Option(names = "--concepts", required = true, paramLabel = "FILE",
            description = "reference description JSON (keys \"0\"..\"C-1\") or a text file, one concept per line")
    Path concepts;

    @Option(names = "-L", required = true, description = "maximum formula length in beam iterations (1 = atoms)")
    int maxLength;

    @Option(names = "-B", required = true, description = "beam size")
    int beamSize;

    @Option(names = "--limit-search", defaultValue = "-1", paramLabel = "K",
            description = "literals tried per beam entry, by differentiability (default: all 2C)")
    int limitSearch;

    @Option(names = "--min-fraction", defaultValue = "0.0", description = "smallest admissible coverage (default: "
            + "${DEFAULT-VALUE}; 0.002 recommended)")
    double minFraction;

    @Option(names = "--max-fraction", defaultValue = "0.5", description = "largest admissible coverage (default: "
            + "${DEFAULT-VALUE})")
    double maxFraction;

    @Option(names = "--mode", defaultValue = "positive", description = "positive|negative (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--memorize-states", description = "output the beam of every length")
    boolean memorizeStates;

    @Option(names = "--units", paramLabel = "LIST", description = "units to explain, e.g. 0,5,7 or 0-99 (default: all)")
    String units;



    @Option(names = "--alternative", defaultValue = "two-sided",
            description = "p-value alternative: two-sided|less|greater (default: ${DEFAULT-VALUE})")
    String alternative;

    @Option(names = "--reference-compat", description = "reproduce lapalap/invert 33b5bcb exactly: float32 sigmoid "
            + "AUROC, float32 metrics, degenerate concepts kept, duplicates allowed (docs/invert.md)")
    boolean referenceCompat;

    @Option(names = "--prune-noop", description = "skip extensions whose support equals their parent's")
    boolean pruneNoop;



    @picocli.CommandLine.Mixin
    ColumnJobOptions job = new ColumnJobOptions();

    @Override
    public Integer call() throws Exception {
        InvertParams params = InvertParams.of(maxLength, beamSize).withLimitSearch(limitSearch)
                .withFractions(minFraction, maxFraction).withMode(Mode.parse(mode))
                .withMemorizeStates(memorizeStates).withAlternative(Alternative.parse(alternative))
                .withReferenceCompat(referenceCompat).withPruneNoop(pruneNoop);
        ConceptSet conceptSet = ConceptSetReader.read(concepts);
        LabelMatrix labelMatrix = LabelReader.read(labels, labelsDataset);
        if (labelMatrix.concepts() != conceptSet.size()) {
            throw new IllegalArgumentException(labels + " has " + labelMatrix.concepts() + " concept columns but "
                    + concepts + " lists " + conceptSet.size() + " concepts");
        }
        ConceptIndex index = new ConceptIndex(labelMatrix, conceptSet);
        int workers = job.workers();
        InvertExplainer explainer = new InvertExplainer(index, params, job.featureBatchSize, workers);
        PrintStream stdout = System.out;
        try (ActivationSource source = ActivationInputs.open(activations, dataset)) {
            int[] selected = UnitSelection.parse(units, source.features());
            Map<String, Object> inputs = new LinkedHashMap<>();
            inputs.put("activations", activations);
            inputs.put("labels", labels);
            inputs.put("concepts", concepts);
            inputs.put("N", source.rows());
            inputs.put("D", source.features());
            inputs.put("C", conceptSet.size());
            ProgressBar bar = new ProgressBar(System.err, "explain", "units");
            long t0 = System.nanoTime();
            int[] counts = new int[3];
            try (InvertResultsJson json = new InvertResultsJson(job.out, params, job.featureBatchSize, inputs,
                    conceptSet)) {
                if (!job.quiet) {
                    stdout.printf("%-6s %-9s %-48s %8s %8s %10s%n", "unit", "status", "best explanation", "auroc",
                            "support", "p");
                }
                InvertExplainer.ProgressListener progress = job.quiet ? InvertExplainer.ProgressListener.NONE
                        : bar::update;
                explainer.explain(source, selected, progress, r -> {
                    counts[r.status().ordinal()]++;
                    try {
                        json.write(r);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    if (!job.quiet) {
                        printRow(stdout, r, conceptSet);
                    }
                });
                json.complete();
            }
            if (!job.quiet) {
                stdout.printf("%d units explained in %.2f s (%d constant, %d failed); results in %s%n",
                        selected.length, (System.nanoTime() - t0) / 1e9, counts[1], counts[2], job.out);
            }
        }
        return 0;
    }

    static void printRow(PrintStream out, UnitResult r, ConceptSet concepts) {
        String status = r.status().name().toLowerCase(java.util.Locale.ROOT);
        if (r.status() == UnitResult.Status.ERROR) {
            out.printf("%-6d %-9s %s%n", r.feature(), status, r.message());
            return;
        }
        if (r.best().isEmpty()) {
            out.printf("%-6d %-9s %-48s%n", r.feature(), status, "(no admissible formula)");
            return;
        }
        Explanation e = r.best().get();
        String label = e.readable(concepts);
        out.printf("%-6d %-9s %-48s %8.4f %8d %10.3g%n", r.feature(), status, label, e.auroc(), e.support(),
                e.pValue());
    }
}
