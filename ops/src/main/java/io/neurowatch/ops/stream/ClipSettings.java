package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.clipdissect.DissectParams;
import io.neurowatch.analyzers.clipdissect.SimilarityFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Streaming CLIP-Dissect: applies to batches that carry per-sample concept-similarity rows. Keys {@code clip.*}
 * in docs/streaming.md.
 *
 * @param params similarity function and its parameters; only the top-k functions (soft_wpmi, wpmi) can be
 *               computed from bounded per-neuron heaps
 * @param concepts names of the similarity columns ({@code clip.concepts}, one per line); null names them
 *                 {@code t<column>}
 */
public record ClipSettings(DissectParams params, List<String> concepts) {
    public ClipSettings {
        Objects.requireNonNull(params, "params");
        if (!params.function().isPmi()) {
            throw new IllegalArgumentException("clip.function " + params.function().wireName()
                    + " needs every sample; streaming supports soft_wpmi and wpmi");
        }
        concepts = concepts == null ? null : List.copyOf(concepts);
    }

    public static ClipSettings defaults() {
        return new ClipSettings(DissectParams.defaults(SimilarityFunction.SOFT_WPMI), null);
    }

    /** Names for {@code width} similarity columns. */
    public List<String> names(int width) {
        if (concepts != null && concepts.size() == width) {
            return concepts;
        }
        if (concepts != null) {
            throw new IllegalArgumentException("clip.concepts lists " + concepts.size()
                    + " concepts but the batches carry " + width + " similarity columns");
        }
        List<String> out = new ArrayList<>(width);
        for (int m = 0; m < width; m++) {
            out.add("t" + m);
        }
        return out;
    }
}
