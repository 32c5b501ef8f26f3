package io.neurowatch.analyzers.dora;

import ai.djl.ndarray.NDManager;
import io.neurowatch.analyzers.featureviz.LayerFunction;
import java.io.IOException;
import java.nio.file.Path;

/**
 * DORA on a model, end to end (dora.md §4): s-AMS for the configured neurons (from the cache when they exist),
 * encodings by feeding them back through the model, EA distances and LOF.
 */
public final class DoraPipeline {
    private DoraPipeline() {
    }

    /**
     * @param signals the generated (or cached) s-AMS
     * @param encodings A⁺ (and A⁻) [k, k, n]
     * @param result distances, LOF scores, flags and ranking; neuron i of the result is {@code neurons().get(i)}
     */
    public record Outcome(SignalSet signals, SignalEncodings encodings, DoraResult result) {
        /** The flagged neurons as model channels, most outlying first. */
        public int[] flaggedChannels() {
            int[] ranked = result.ranking();
            boolean[] out = result.outlier();
            return java.util.Arrays.stream(ranked).filter(i -> out[i])
                    .map(i -> signals.config().neurons().get(i)).toArray();
        }

        /** Channel of position {@code i} of the result. */
        public int channel(int i) {
            return signals.config().neurons().get(i);
        }
    }

    /**
     * @param cacheRoot where signal directories live (one per generation key)
     * @param overwrite regenerate cached signals
     */
    public static Outcome run(LayerFunction model, SamsConfig sams, DoraParams params, Path cacheRoot,
                              boolean overwrite, SamsGenerator.Progress progress) throws IOException {
        SignalSet signals = new SamsGenerator(model).generate(sams, cacheRoot, overwrite, progress);
        SignalEncodings enc;
        try (NDManager manager = NDManager.newBaseManager()) {
            enc = signals.encode(model, manager, 32);
        }
        return new Outcome(signals, enc, new DoraAnalyzer(params).analyze(enc.means()));
    }
}
