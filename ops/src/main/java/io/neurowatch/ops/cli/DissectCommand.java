package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.clipdissect.ClipDissector;
import io.neurowatch.analyzers.clipdissect.ConceptScore;
import io.neurowatch.analyzers.clipdissect.DenseConceptSimilarity;
import io.neurowatch.analyzers.clipdissect.DissectOutput;
import io.neurowatch.analyzers.clipdissect.DissectParams;
import io.neurowatch.analyzers.clipdissect.DissectResult;
import io.neurowatch.analyzers.clipdissect.NeuronStatus;
import io.neurowatch.analyzers.clipdissect.PermutationSource;
import io.neurowatch.analyzers.clipdissect.SimilarityFunction;
import io.neurowatch.connectors.io.ConceptList;
import io.neurowatch.connectors.io.ConceptListReader;
import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.connectors.io.NpyArray;
import io.neurowatch.connectors.io.NpyDtype;
import io.neurowatch.connectors.io.NpyReader;
import io.neurowatch.connectors.io.NpyWriter;
import io.neurowatch.core.ActivationSource;
import io.neurowatch.ops.clipdissect.DissectResultsJson;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurowatch dissect}: CLIP-Dissect descriptions for the units of one layer. */
@Command(name = "dissect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Describe every unit with the concept whose CLIP image-match pattern best agrees with its "
                + "top-activating probe images (CLIP-Dissect; default similarity soft_wpmi).",
            "Prints a table and writes JSON (schema: docs/file-formats.md); docs/clip-dissect.md explains the method."})
public final class DissectCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--activations", required = true, paramLabel = "FILE|DIR",
            description = "pooled activations: .npy [N] or [N,D] float32/float64, an HDF5 file, or a directory of "
                    + "HDF5 segments")
    Path activations;

    @Option(names = "--dataset", defaultValue = "Y", description = "HDF5 activation dataset (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--similarity", paramLabel = "FILE|DIR",
            description = "concept similarities P [N,C] (cosine of CLIP image i and concept c): .npy float16/32/64 or "
                    + "HDF5")
    Path similarity;

    @Option(names = "--image-embeddings", paramLabel = "FILE",
            description = "instead of --similarity: CLIP image embeddings [N,E] .npy (e.g. from neurowatch probe); "
                    + "P is their cosine with --text-embeddings, computed a block at a time")
    Path imageEmbeddings;

    @Option(names = "--text-embeddings", paramLabel = "FILE",
            description = "CLIP text embeddings [C,E] .npy, row c = line c of --concepts")
    Path textEmbeddings;

    @Option(names = "--similarity-dataset", defaultValue = SimilarityInputs.DEFAULT_DATASET,
            description = "HDF5 similarity dataset (default: ${DEFAULT-VALUE})")
    String similarityDataset;

    @Option(names = "--concepts", required = true, paramLabel = "FILE",
            description = "text file, one concept per line (column order of P); empty and repeated lines are "
                    + "dropped and reported")
    Path concepts;

    @Option(names = "--function", defaultValue = "soft_wpmi",
            description = "soft_wpmi|wpmi|cos_similarity|cos_similarity_cubed|rank_reorder (default: ${DEFAULT-VALUE})")
    String function;

    @Option(names = "--top-k", paramLabel = "K", description = "top images per unit for soft_wpmi/wpmi "
            + "(default: 100 for soft_wpmi, 28 for wpmi)")
    Integer topK;

    @Option(names = "--a", paramLabel = "A", description = "softmax scale a of soft_wpmi/wpmi (default: 10 / 2)")
    Double a;

    @Option(names = "--lambda", paramLabel = "L", description = "prior weight of soft_wpmi/wpmi (default: 1 / 0.6)")
    Double lambda;

    @Option(names = "--top-fraction", paramLabel = "F", description = "rank_reorder: share of images used "
            + "(default: 0.05)")
    Double topFraction;

    @Option(names = "--seed", defaultValue = "0", description = "rank_reorder permutation seed (default: "
            + "${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--permutations", paramLabel = "FILE", description = "rank_reorder: recorded permutations, "
            + ".npy int [D, R, n], used instead of seeded ones (reproduces a reference run)")
    Path permutations;

    @Option(names = "--reference-compat", description = "reproduce Trustworthy-ML-Lab/CLIP-dissect 21e7697: float32 "
            + "p_j and log K, dead units labelled with concept 0 / NaN (docs/clip-dissect.md)")
    boolean referenceCompat;

    @Option(names = "--alternatives", defaultValue = "5", description = "runners-up reported per unit (default: "
            + "${DEFAULT-VALUE})")
    int alternatives;

    @Option(names = "--top-samples", defaultValue = "10", description = "top-activating image indices reported per "
            + "unit (default: ${DEFAULT-VALUE})")
    int topSamples;



    @Option(names = "--scores-out", paramLabel = "FILE", description = "write the full score matrix [D,C] as "
            + "float32 .npy (NaN rows for units without a label)")
    Path scoresOut;



    @picocli.CommandLine.Mixin
    ColumnJobOptions job = new ColumnJobOptions();

    @Override
    public Integer call() throws Exception {
        DissectParams params = params();
        PrintStream stdout = System.out;
        ConceptList list = ConceptListReader.read(concepts);
        java.io.PrintWriter err = spec.commandLine().getErr();
        for (String w : list.warnings()) {
            err.println("warning: " + w);
        }
        err.flush();
        io.neurowatch.analyzers.clipdissect.ConceptSimilarity p = similarity(list);
        int workers = job.workers();
        ClipDissector dissector = new ClipDissector(params, workers).withAlternatives(alternatives)
                .withTopSamples(topSamples).withFeatureBatchSize(job.featureBatchSize);
        if (permutations != null) {
            dissector = dissector.withPermutations(readPermutations(permutations));
        }
        Map<String, ProgressBar> bars = new HashMap<>();
        ClipDissector.ProgressListener progress = job.quiet ? ClipDissector.ProgressListener.NONE
                : (phase, done, total) -> bars.computeIfAbsent(phase, ph -> new ProgressBar(System.err, "dissect",
                        ph.equals("images") ? "image blocks" : ph)).update(done, total);
        long t0 = System.nanoTime();
        DissectOutput result;
        Map<String, Object> inputs = new LinkedHashMap<>();
        try (ActivationSource source = ActivationInputs.open(activations, dataset)) {
            inputs.put("activations", activations.toString());
            if (similarity != null) {
                inputs.put("similarity", similarity.toString());
            } else {
                inputs.put("image_embeddings", imageEmbeddings.toString());
                inputs.put("text_embeddings", textEmbeddings.toString());
            }
            inputs.put("concepts", concepts.toString());
            inputs.put("N", source.rows());
            inputs.put("D", source.features());
            inputs.put("C", list.size());
            result = dissector.dissect(p, source, list.concepts(), progress);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        DissectResultsJson.write(job.out, result, inputs, list.warnings());
        if (scoresOut != null) {
            writeScores(scoresOut, result.scores(), p.concepts());
        }
        if (!job.quiet) {
            printTable(stdout, result);
            Map<NeuronStatus, Integer> counts = DissectResultsJson.counts(result.results());
            stdout.printf("%d units described with %s in %.2f s (%s); results in %s%s%n", result.results().size(),
                    params.function().wireName(), secs, counts.entrySet().stream()
                            .map(e -> e.getValue() + " " + e.getKey().wireName()).collect(Collectors.joining(", ")),
                    job.out, scoresOut == null ? "" : ", scores in " + scoresOut);
        }
        return 0;
    }

    private DissectParams params() {
        SimilarityFunction f = SimilarityFunction.parse(function);
        DissectParams params = DissectParams.defaults(f).withSeed(seed).withReferenceCompat(referenceCompat);
        if (topK != null) {
            params = params.withTopK(topK);
        }
        if (a != null) {
            params = params.withA(a);
        }
        if (lambda != null) {
            params = params.withLambda(lambda);
        }
        if (topFraction != null) {
            params = params.withTopFraction(topFraction);
        }
        return params;
    }

    /**
     * Matches P's columns to the concept list: a matrix encoded from the file's non-empty lines (duplicates included,
     * as the reference does) loses the duplicate columns; one encoded from the distinct concepts is used as is.
     */
    /** P from --similarity, or from the two embedding files (exactly one of the two forms). */
    private io.neurowatch.analyzers.clipdissect.ConceptSimilarity similarity(ConceptList list)
            throws java.io.IOException {
        boolean embeddings = imageEmbeddings != null || textEmbeddings != null;
        if ((similarity != null) == embeddings || (embeddings && (imageEmbeddings == null || textEmbeddings == null))) {
            throw new IllegalArgumentException("give either --similarity, or both --image-embeddings and "
                    + "--text-embeddings");
        }
        if (similarity != null) {
            return alignColumns(SimilarityInputs.open(similarity, similarityDataset), list);
        }
        NpyArray img = NpyReader.read(imageEmbeddings);
        NpyArray txt = NpyReader.read(textEmbeddings);
        if (img.ndim() != 2 || txt.ndim() != 2 || img.shape()[1] != txt.shape()[1]) {
            throw new FileFormatException(textEmbeddings, "embeddings must be [N,E] and [C,E] with the same E; found "
                    + java.util.Arrays.toString(img.shape()) + " in " + imageEmbeddings + " and "
                    + java.util.Arrays.toString(txt.shape()));
        }
        int e = (int) img.shape()[1];
        int c = (int) txt.shape()[0];
        float[] texts = txt.toFloatRowMajor();
        if (c != list.entries()) {
            throw new IllegalArgumentException(textEmbeddings + " has " + c + " rows but " + concepts + " has "
                    + list.entries() + " non-empty lines; row c must be line c of the concept list");
        }
        if (list.size() != c) {
            // Keep the rows of the concepts that survived de-duplication, in list order.
            int[] cols = list.columns();
            float[] kept = new float[cols.length * e];
            for (int k = 0; k < cols.length; k++) {
                System.arraycopy(texts, cols[k] * e, kept, k * e, e);
            }
            texts = kept;
            c = cols.length;
        }
        return io.neurowatch.analyzers.clipdissect.EmbeddingConceptSimilarity.of(img.toFloatRowMajor(),
                (int) img.shape()[0], texts, c, e, imageEmbeddings.getFileName() + " x " + textEmbeddings.getFileName());
    }

    private DenseConceptSimilarity alignColumns(DenseConceptSimilarity p, ConceptList list) {
        if (p.concepts() == list.entries()) {
            return list.entries() == list.size() ? p : p.selectColumns(list.columns());
        }
        if (p.concepts() == list.size()) {
            return p;
        }
        throw new IllegalArgumentException(similarity + " has " + p.concepts() + " concept columns but " + concepts
                + " has " + list.entries() + " non-empty lines (" + list.size() + " distinct); column c of P must be"
                + " line c of the concept list");
    }

    private PermutationSource readPermutations(Path file) throws java.io.IOException {
        NpyArray a = NpyReader.read(file);
        if (a.ndim() != 3 || (a.dtype() != NpyDtype.INT64 && a.dtype() != NpyDtype.INT32)) {
            throw new FileFormatException(file, "permutations must be an int32/int64 array [D, R, n]; found "
                    + a.dtype().name().toLowerCase(Locale.ROOT) + " " + java.util.Arrays.toString(a.shape()));
        }
        long[] s = a.shape();
        long[] data = new long[a.size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (long) a.getDouble(i);
        }
        try {
            return PermutationSource.fixed(data, (int) s[0], (int) s[1], (int) s[2]);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, e.getMessage(), e);
        }
    }

    private static void writeScores(Path file, double[][] scores, int c) throws java.io.IOException {
        float[] data = new float[Math.multiplyExact(scores.length, c)];
        for (int u = 0; u < scores.length; u++) {
            for (int m = 0; m < c; m++) {
                data[u * c + m] = (float) scores[u][m];
            }
        }
        NpyWriter.writeFloat32(file, data, scores.length, c);
    }

    static void printTable(PrintStream out, DissectOutput result) {
        out.printf("%-6s %-17s %-28s %10s  %s%n", "unit", "status", "concept", "score", "next best");
        for (DissectResult r : result.results()) {
            String status = r.status().wireName();
            if (r.best() == null) {
                out.printf("%-6d %-17s %s%n", r.unit(), status, r.message() == null ? "" : r.message());
                continue;
            }
            List<ConceptScore> alts = r.alternatives();
            String next = alts.stream().limit(3).map(ConceptScore::concept).collect(Collectors.joining(", "));
            out.printf("%-6d %-17s %-28s %10.4f  %s%n", r.unit(), status, r.best().concept(), r.best().score(), next);
        }
    }
}
