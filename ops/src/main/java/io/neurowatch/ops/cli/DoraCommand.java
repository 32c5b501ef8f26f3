package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.dora.Atlas;
import io.neurowatch.analyzers.dora.AtlasPng;
import io.neurowatch.analyzers.dora.AtlasSvg;
import io.neurowatch.analyzers.dora.Contamination;
import io.neurowatch.analyzers.dora.DistanceMode;
import io.neurowatch.analyzers.dora.DoraAnalyzer;
import io.neurowatch.analyzers.dora.DoraParams;
import io.neurowatch.analyzers.dora.DoraResult;
import io.neurowatch.analyzers.dora.MeanEncodings;
import io.neurowatch.connectors.io.NpyWriter;
import io.neurowatch.ops.dora.DoraResultsJson;
import io.neurowatch.ops.dora.EncodingsFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurowatch dora}: outlier neurons of one layer from its s-AMS encodings (DORA, data-free). */
@Command(name = "dora", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the neurons of a layer that respond unlike the rest (DORA): Extreme-Activation distances "
                + "between the layer's responses to each neuron's synthetic maximisation signals, then Local Outlier "
                + "Factor (scikit-learn 1.2 semantics).",
            "Writes dora.json, distances.npy, atlas.svg and atlas.png into --out; docs/dora.md explains the method."})
public final class DoraCommand implements Callable<Integer> {

    @Option(names = "--encodings", required = true, paramLabel = "FILE",
            description = ".npy [k,k,n] float16/32/64: A[i,j,s] = activation of neuron j on s-AMS s of neuron i")
    Path encodings;

    @Option(names = "--encodings-minus", paramLabel = "FILE",
            description = "encodings of the minimisation signals, same shape; joins each neuron's profile")
    Path encodingsMinus;

    @Option(names = "--distance", defaultValue = "layer-wise",
            description = "layer-wise|pair-wise EA distance (default: ${DEFAULT-VALUE})")
    String distance;

    @Option(names = "--n-neighbors", defaultValue = "20",
            description = "LOF neighbourhood, clamped to k-1 (default: ${DEFAULT-VALUE})")
    int nNeighbors;

    @Option(names = "--contamination", defaultValue = "0.01", paramLabel = "X|auto",
            description = "share in (0, 0.5] setting the LOF threshold, or auto (offset -1.5) (default: "
                    + "${DEFAULT-VALUE})")
    String contamination;

    @Option(names = "--nan-to-zero", description = "reproduce the reference: undefined distances become 0 and dead "
            + "neurons are scored like any other (default: reported and left out of LOF)")
    boolean nanToZero;

    @Option(names = "--thumbnails", paramLabel = "DIR",
            description = "PNG per neuron (<id>.png or <id>_0+.png) drawn at its atlas position")
    Path thumbnails;

    @Option(names = "--top", defaultValue = "10",
            description = "ranking rows printed (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "output folder (created): dora.json, distances.npy, atlas.svg, atlas.png")
    Path out;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        DoraParams params = DoraParams.defaults().withMode(DistanceMode.parse(distance)).withNNeighbors(nNeighbors)
                .withContamination(Contamination.parse(contamination));
        if (nanToZero) {
            params = params.withReferenceNanHandling();
        }
        if (top < 0) {
            throw new IllegalArgumentException("--top must be >= 0, got " + top);
        }
        if (thumbnails != null && !Files.isDirectory(thumbnails)) {
            throw new IllegalArgumentException("--thumbnails " + thumbnails + ": no such directory");
        }
        EncodingsFile.Loaded plus = EncodingsFile.read(encodings, "encodings");
        EncodingsFile.Loaded minus = null;
        if (encodingsMinus != null) {
            minus = EncodingsFile.read(encodingsMinus, "minimisation encodings");
            plus.requireSameShape(minus);
        }
        MeanEncodings mean = MeanEncodings.fromSamples(plus.values(), minus == null ? null : minus.values(),
                plus.k(), plus.n());
        DoraResult result = new DoraAnalyzer(params).analyze(mean);

        Files.createDirectories(out);
        Atlas atlas = Atlas.of(result, "DORA atlas: " + encodings.getFileName() + ", "
                + params.mode().wireName() + " EA distance");
        if (thumbnails != null) {
            atlas = atlas.withThumbnails(findThumbnails(thumbnails, atlas.neuronIds()));
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("encodings", encodings.toString());
        inputs.put("encodings_shape", plus.description());
        if (minus != null) {
            inputs.put("encodings_minus", encodingsMinus.toString());
        }
        inputs.put("k", plus.k());
        inputs.put("samples", plus.n());
        int k = result.size();
        NpyWriter.writeFloat64(out.resolve("distances.npy"), result.distances().distancesRowMajor(), k, k);
        AtlasSvg.write(atlas, out.resolve("atlas.svg"));
        AtlasPng.write(atlas, out.resolve("atlas.png"));
        DoraResultsJson.write(out.resolve("dora.json"), result, inputs, atlas);
        printSummary(System.out, result, plus, minus != null, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private static Map<Integer, Path> findThumbnails(Path dir, int[] ids) {
        Map<Integer, Path> found = new TreeMap<>();
        for (int id : ids) {
            for (String name : new String[] {id + ".png", id + "_0+.png"}) {
                Path p = dir.resolve(name);
                if (Files.isRegularFile(p)) {
                    found.put(id, p);
                    break;
                }
            }
        }
        return found;
    }

    private void printSummary(PrintStream o, DoraResult r, EncodingsFile.Loaded plus, boolean withMinus,
                              double secs) throws IOException {
        DoraParams p = r.params();
        o.printf("dora: %d neurons, %d s-AMS each (%s), %s EA distance%n", r.size(), plus.n(),
                withMinus ? "'+' and '-' signals" : "'+' signals", p.mode().wireName());
        o.printf("LOF: n_neighbors %d (requested %d), contamination %s, offset %.6f%n", r.nNeighbors(),
                p.nNeighbors(), p.contamination(), r.offset());
        int[] dead = r.distances().deadRows();
        o.printf("dead neurons: %s; undefined pair-wise distances: %d; excluded from LOF: %s%s%n", list(dead),
                r.distances().nanPairs().size(), list(r.excluded()),
                p.nanToZero() ? " (reference NaN handling)" : "");
        int[] flagged = r.outliers();
        o.printf("outliers (%d): %s%n", flagged.length, list(flagged));
        int rows = Math.min(top, r.ranking().length);
        if (rows > 0) {
            o.printf("%-5s %-7s %12s %-8s %s%n", "rank", "neuron", "nof", "outlier", "nearest neighbours");
            double[] nof = r.negativeOutlierFactor();
            boolean[] out = r.outlier();
            int[][] nb = r.neighbors();
            int[] ranking = r.ranking();
            for (int i = 0; i < rows; i++) {
                int id = ranking[i];
                String near = Arrays.stream(nb[id]).limit(5).mapToObj(Integer::toString)
                        .collect(Collectors.joining(", "));
                o.printf("%-5d %-7d %12.6f %-8s %s%n", i + 1, id, nof[id], out[id] ? "yes" : "", near);
            }
        }
        o.printf("wrote %s, %s, %s, %s in %.2f s%n", this.out.resolve("dora.json"), this.out.resolve("distances.npy"),
                this.out.resolve("atlas.svg"), this.out.resolve("atlas.png"), secs);
    }

    private static String list(int[] ids) {
        if (ids.length == 0) {
            return "none";
        }
        String s = Arrays.stream(ids).limit(50).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        return ids.length > 50 ? s + ", ... (" + ids.length + ")" : s;
    }
}
