package io.neurowatch.ops.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurowatch.connectors.io.NpyWriter;
import io.neurowatch.connectors.model.ImageBatch;
import io.neurowatch.connectors.model.ImageDirectory;
import io.neurowatch.connectors.model.ImageTransform;
import io.neurowatch.connectors.model.Pooling;
import io.neurowatch.connectors.model.TappedModel;
import io.neurowatch.ops.model.ModelIdentity;
import io.neurowatch.ops.model.ModelOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code neurowatch probe}: the inputs of CLIP-Dissect from a directory of probe images — the target model's pooled
 * activations and the image encoder's embeddings — cached under a key of every input's identity.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a probe image directory through the target model (pooled layer activations) and a CLIP "
                + "image encoder (embeddings), for `dissect --activations A --image-embeddings E --text-embeddings T`.",
            "Writes activations.npy [N,D], image-embeddings.npy [N,E], samples.tsv and probe.json into --out; "
                    + "reuses them only when every input (model and encoder bytes, each image's name, size and "
                    + "modification time, all parameters) is unchanged."})
public final class ProbeCommand implements Callable<Integer> {
    /** CLIP's image normalisation (openai/CLIP preprocess). */
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    @Mixin
    ModelOptions target = new ModelOptions();

    @Option(names = "--layer", required = true, paramLabel = "NAME", description = "tapped output of --model")
    String layer;

    @Option(names = "--pooling", defaultValue = "mean", paramLabel = "mean|max",
            description = "per channel over positions (default: ${DEFAULT-VALUE})")
    String pooling;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "probe images (PNG/JPEG)")
    Path images;

    @Option(names = "--image-encoder", required = true, paramLabel = "FILE",
            description = "CLIP image encoder as TorchScript (forward returns the embedding first; sidecar "
                    + "<file>.taps.json names the outputs) or a small-cnn file")
    Path encoder;

    @Option(names = "--encoder-output", paramLabel = "NAME", description = "which encoder output is the embedding "
            + "(default: the first)")
    String encoderOutput;

    @Option(names = "--encoder-size", defaultValue = "224x224", paramLabel = "HxW",
            description = "encoder input size (default: ${DEFAULT-VALUE})")
    String encoderSize;

    @Option(names = "--encoder-normalisation", defaultValue = "clip", paramLabel = "clip|imagenet|unit",
            description = "encoder input scaling (default: ${DEFAULT-VALUE})")
    String encoderNormalisation;

    @Option(names = "--batch-size", defaultValue = "32", description = "images per forward pass (default: "
            + "${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output (and cache) folder")
    Path out;

    @Option(names = "--overwrite", description = "recompute even if the cache key matches")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        ImageDirectory dir = ImageDirectory.open(images);
        String key = cacheKey(dir);
        Path manifest = out.resolve("probe.json");
        if (!overwrite && Files.exists(manifest)
                && key.equals(new ObjectMapper().readTree(manifest.toFile()).path("key").asText())) {
            System.out.printf("probe: inputs unchanged (key %s); reusing %s%n", key.substring(0, 16), out);
            return 0;
        }
        if (Files.exists(manifest)) {
            System.out.printf("probe: %s; recomputing%n", overwrite ? "--overwrite" : "inputs changed since the "
                    + "cached run");
        }
        Files.createDirectories(out);
        Files.deleteIfExists(manifest);
        int n = dir.size();
        Pooling pool = Pooling.valueOf(pooling.toUpperCase(Locale.ROOT));
        int[] ehw = ModelOptions.parseSize("--encoder-size", encoderSize);
        float[] acts = null;
        float[] emb = null;
        int d = 0;
        int e = 0;
        StringBuilder samples = new StringBuilder("sample_id\tfile\n");
        try (TappedModel model = target.open(); TappedModel enc = ModelOptions.load(encoder, "auto", null)) {
            ImageTransform tt = target.inputTransform(model, 3);
            ImageTransform et = scaled(ImageTransform.to(3, ehw[0], ehw[1]), encoderNormalisation,
                    "--encoder-normalisation");
            int encIndex = encoderOutput == null ? 0 : enc.indexOf(encoderOutput);
            ProgressBar bar = new ProgressBar(System.err, "probe", "images");
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                ImageBatch tb = dir.read(from, to, tt);
                ImageBatch eb = dir.read(from, to, et);
                try (NDManager m = NDManager.newBaseManager()) {
                    float[][] rows = model.activations(tb.toNDArray(m), List.of(layer), pool).get(layer);
                    NDList eo = enc.forward(eb.toNDArray(m));
                    NDArray ea = eo.get(encIndex);
                    float[] ev = ea.reshape(to - from, -1).toFloatArray();
                    if (acts == null) {
                        d = rows[0].length;
                        e = ev.length / (to - from);
                        acts = new float[n * d];
                        emb = new float[n * e];
                    }
                    for (int i = 0; i < rows.length; i++) {
                        System.arraycopy(rows[i], 0, acts, (from + i) * d, d);
                    }
                    System.arraycopy(ev, 0, emb, from * e, ev.length);
                }
                for (int i = 0; i < tb.size(); i++) {
                    samples.append(tb.sampleIds()[i]).append('\t').append(tb.names()[i]).append('\n');
                }
                bar.update(to, n);
            }
        }
        NpyWriter.writeFloat32(out.resolve("activations.npy"), acts, n, d);
        NpyWriter.writeFloat32(out.resolve("image-embeddings.npy"), emb, n, e);
        Files.writeString(out.resolve("samples.tsv"), samples, StandardCharsets.UTF_8);
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("key", key);
        json.put("images", images.toString());
        json.put("N", n);
        json.put("D", d);
        json.put("E", e);
        json.put("model", target.model.toString());
        json.put("layer", layer);
        json.put("image_encoder", encoder.toString());
        // Written last: its key is what marks the outputs as complete.
        Files.writeString(manifest, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        System.out.printf("probe: %d images -> %s (activations [%d,%d], image embeddings [%d,%d])%n", n, out, n, d, n,
                e);
        return 0;
    }

    private static ImageTransform scaled(ImageTransform t, String scaling, String option) {
        return switch (scaling.toLowerCase(Locale.ROOT)) {
            case "unit" -> t;
            case "imagenet" -> t.normalized(ImageTransform.IMAGENET_MEAN, ImageTransform.IMAGENET_STD);
            case "clip" -> t.normalized(CLIP_MEAN, CLIP_STD);
            default -> throw new IllegalArgumentException(option + " " + scaling + ": expected clip, imagenet or unit");
        };
    }

    /**
     * Every input's identity: the model and encoder bytes (SHA-256), each image's name, size and modification time,
     * and every parameter. A stale cache is never reused.
     */
    private String cacheKey(ImageDirectory dir) throws IOException {
        StringBuilder sb = new StringBuilder("probe-v1\n");
        sb.append(ModelIdentity.of(target.model)).append('\n').append(ModelIdentity.of(encoder)).append('\n');
        sb.append(String.join("|", layer, pooling, encoderOutput == null ? "" : encoderOutput, encoderSize,
                encoderNormalisation, target.inputScaling(), String.valueOf(target.inputSizeText()))).append('\n');
        for (Path f : dir.files()) {
            sb.append(f.getFileName()).append('\t').append(Files.size(f)).append('\t')
                    .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is required of every JVM", ex);
        }
    }
}
