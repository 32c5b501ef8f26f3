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
import java.util.List;
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

    @Option(names = "--encodings", paramLabel = "FILE",
            description = ".npy [k,k,n] float16/32/64: A[i,j,s] = activation of neuron j on s-AMS s of neuron i "
                    + "(skips generation); otherwise give --model and --layer")
    Path encodings;

    @picocli.CommandLine.Mixin
    io.neurowatch.ops.model.ModelOptions modelOptions = new io.neurowatch.ops.model.ModelOptions();

    @Option(names = "--layer", paramLabel = "NAME", description = "tapped output of --model to analyse")
    String layer;

    @Option(names = "--neurons", split = ",", paramLabel = "LIST",
            description = "channels to analyse (default: all channels of the layer)")
    List<Integer> neurons;

    @Option(names = "--samples", defaultValue = "1", description = "s-AMS per neuron (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--iters", defaultValue = "150", description = "optimisation steps per s-AMS (default: "
            + "${DEFAULT-VALUE}; the published runs use 500)")
    int iters;

    @Option(names = "--lr", defaultValue = "0.009", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--batch-size", defaultValue = "16", description = "s-AMS optimised together (default: "
            + "${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", description = "experiment seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--transforms", defaultValue = "dora-default", paramLabel = "NAME",
            description = "dora-default|dora-published|torch-dreams|none (default: ${DEFAULT-VALUE})")
    String transforms;

    @Option(names = "--minimisation", description = "also generate '-' signals (kept apart from '+' ones)")
    boolean minimisation;

    @Option(names = "--jpeg-roundtrip", description = "encode from JPEG q75 copies like the reference (quirk D6)")
    boolean jpegRoundtrip;

    @Option(names = "--cache", paramLabel = "DIR", description = "s-AMS cache shared by experiments "
            + "(default: <out>/sams); signals of identical generation parameters are reused")
    Path cache;

    @Option(names = "--overwrite", description = "regenerate cached s-AMS")
    boolean overwrite;

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
        if ((encodings == null) == (modelOptions.model == null)) {
            throw new IllegalArgumentException("give either --encodings or --model (with --layer)");
        }
        Files.createDirectories(out);
        EncodingsFile.Loaded plus;
        EncodingsFile.Loaded minus = null;
        DoraResult result;
        io.neurowatch.analyzers.dora.DoraPipeline.Outcome generated = null;
        if (encodings != null) {
            plus = EncodingsFile.read(encodings, "encodings");
            if (encodingsMinus != null) {
                minus = EncodingsFile.read(encodingsMinus, "minimisation encodings");
                plus.requireSameShape(minus);
            }
            MeanEncodings mean = MeanEncodings.fromSamples(plus.values(), minus == null ? null : minus.values(),
                    plus.k(), plus.n());
            result = new DoraAnalyzer(params).analyze(mean);
        } else {
            generated = generate(params);
            result = generated.result();
            var enc = generated.encodings();
            NpyWriter.writeFloat32(out.resolve("A.npy"), toFloat(enc.plus()), enc.k(), enc.k(), enc.n());
            plus = EncodingsFile.read(out.resolve("A.npy"), "encodings");
            if (enc.minus() != null) {
                NpyWriter.writeFloat32(out.resolve("A_minus.npy"), toFloat(enc.minus()), enc.k(), enc.k(), enc.n());
                minus = EncodingsFile.read(out.resolve("A_minus.npy"), "minimisation encodings");
            }
            thumbnails = generated.signals().directory();
        }

        Atlas atlas = Atlas.of(result, "DORA atlas: " + (encodings != null ? encodings.getFileName()
                : modelOptions.model.getFileName() + " " + layer) + ", "
                + params.mode().wireName() + " EA distance");
        if (thumbnails != null) {
            atlas = atlas.withThumbnails(findThumbnails(thumbnails, atlas.neuronIds()));
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("encodings", encodings != null ? encodings.toString() : out.resolve("A.npy").toString());
        if (generated != null) {
            inputs.put("model", modelOptions.model.toString());
            inputs.put("layer", layer);
            inputs.put("channels", generated.signals().config().neurons());
            inputs.put("sams_cache", generated.signals().directory().toString());
            inputs.put("sams_config", generated.signals().config().toString());
        }
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

    private io.neurowatch.analyzers.dora.DoraPipeline.Outcome generate(DoraParams params) throws IOException {
        if (layer == null) {
            throw new IllegalArgumentException("--model needs --layer (one of the model's tapped outputs)");
        }
        try (io.neurowatch.connectors.model.TappedModel m = modelOptions.open()) {
            int layerIndex = m.indexOf(layer);
            int[] hw = modelOptions.inputSize(m);
            io.neurowatch.analyzers.featureviz.LayerFunction f = modelOptions.layers(m);
            List<Integer> channels = neurons != null ? neurons
                    : io.neurowatch.ops.model.ModelOptions.allChannels(f, layerIndex, hw[0], hw[1]);
            io.neurowatch.analyzers.featureviz.TransformChain chain =
                    io.neurowatch.analyzers.featureviz.TransformChain.named(transforms, hw[0], hw[1]);
            io.neurowatch.analyzers.featureviz.RenderConfig render = io.neurowatch.analyzers.featureviz.RenderConfig
                    .defaults(seed).withSize(hw[1], hw[0]).withIters(iters).withLr(lr).withTransforms(chain);
            io.neurowatch.analyzers.dora.SamsConfig sams = new io.neurowatch.analyzers.dora.SamsConfig(
                    io.neurowatch.ops.model.ModelIdentity.of(modelOptions.model), layerIndex, channels, samples,
                    !minimisation, batchSize, render, jpegRoundtrip);
            Path root = cache != null ? cache : out.resolve("sams");
            ProgressBar bar = new ProgressBar(System.err, "s-AMS", "batches");
            int[] counts = new int[2];
            var outcome = io.neurowatch.analyzers.dora.DoraPipeline.run(f, sams, params, root, overwrite,
                    (done, total, cached) -> {
                        bar.update(done, total);
                        counts[0] = total;
                        counts[1] = cached;
                    });
            System.out.printf("s-AMS: %d batches, %d generated, %d from the cache %s%n", counts[0],
                    counts[0] - counts[1], counts[1], outcome.signals().directory());
            return outcome;
        }
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
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
