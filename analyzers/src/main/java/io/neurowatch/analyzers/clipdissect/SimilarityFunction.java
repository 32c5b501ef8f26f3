package io.neurowatch.analyzers.clipdissect;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The five similarity functions of CLIP-Dissect (spec clip-dissect.md §3.3), in the reference's naming. */
public enum SimilarityFunction {
    /** The default: weighted soft PMI over the top-k images. */
    SOFT_WPMI("soft_wpmi", true),
    /** PMI of the product of the top-k images' concept probabilities. */
    WPMI("wpmi", true),
    /** Cosine between each activation column and each concept column, without centring. */
    COS_SIMILARITY("cos_similarity", false),
    /** Cosine of the centred, cubed columns. */
    COS_SIMILARITY_CUBED("cos_similarity_cubed", false),
    /** How well each concept reproduces the order of the top 5% activations. */
    RANK_REORDER("rank_reorder", false);

    private final String wire;
    private final boolean pmi;

    SimilarityFunction(String wire, boolean pmi) {
        this.wire = wire;
        this.pmi = pmi;
    }

    /** The name used on the command line, in JSON and by the reference. */
    public String wireName() {
        return wire;
    }

    /** True for soft_wpmi and wpmi: the functions with a top_k, a softmax and a layer prior. */
    public boolean isPmi() {
        return pmi;
    }

    /** @throws IllegalArgumentException naming the accepted names if {@code s} is none of them */
    public static SimilarityFunction parse(String s) {
        for (SimilarityFunction f : values()) {
            if (f.wire.equals(s.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown similarity function '" + s + "': expected one of "
                + Arrays.stream(values()).map(SimilarityFunction::wireName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return wire;
    }
}
