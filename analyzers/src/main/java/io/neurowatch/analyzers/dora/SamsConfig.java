package io.neurowatch.analyzers.dora;

import io.neurowatch.analyzers.featureviz.RenderConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What s-AMS generation needs (dora.md §4, §6): which neurons of which tapped layer, how many signals each, and the
 * render settings (size, iterations, lr, weight decay, clip, transform recipe, seed).
 *
 * @param modelId identity of the weights (a hash of the model file or parameters): part of the cache key
 * @param layer position of the analysed layer among the model's tapped outputs
 * @param neurons the analysed neurons (channels), in order; A is indexed by position in this list
 * @param samples signals per neuron and sign (n)
 * @param onlyMaximization false also generates '−' (minimisation) signals
 * @param batchSize images optimised together (one transform draw per step shared by the batch, quirk D10)
 * @param render the render settings; its seed is the experiment seed
 * @param jpegRoundtrip encode from JPEG q75 of floor(255·x) like the reference (quirk D6); false = lossless
 */
public record SamsConfig(String modelId, int layer, List<Integer> neurons, int samples, boolean onlyMaximization,
                         int batchSize, RenderConfig render, boolean jpegRoundtrip) {
    public static final int DEFAULT_BATCH_SIZE = 16;
    public static final int DEFAULT_ITERS = 150;

    public SamsConfig {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(render, "render");
        neurons = List.copyOf(neurons);
        if (neurons.isEmpty() || samples < 1 || batchSize < 1 || layer < 0) {
            throw new IllegalArgumentException("need neurons, samples >= 1, batch size >= 1 and a layer >= 0: "
                    + neurons.size() + " neurons, " + samples + " samples, batch " + batchSize + ", layer " + layer);
        }
        if (neurons.stream().distinct().count() != neurons.size() || neurons.stream().anyMatch(n -> n < 0)) {
            throw new IllegalArgumentException("neurons must be distinct and >= 0: " + neurons);
        }
    }

    /** The signs generated, '+' first. */
    public List<Character> signs() {
        return onlyMaximization ? List.of('+') : List.of('+', '-');
    }

    /**
     * The cache key: a SHA-256 over every generation parameter (model identity, layer, neurons, n, signs, batch
     * size, the full render config including the transform recipe and seed). Encoding options are not part of it:
     * the stored signals are the same.
     */
    public String cacheKey() {
        String canonical = String.join("\n", "sams-v1", modelId, "layer=" + layer, "neurons=" + neurons,
                "samples=" + samples, "signs=" + signs(), "batch=" + batchSize, "render=" + render);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
