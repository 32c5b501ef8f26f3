package io.neurowatch.analyzers.dora;

import java.util.Locale;

/** The two Extreme-Activation distances of DORA (spec dora.md §3.5). Immutable. */
public enum DistanceMode {
    /** Cosine distance between whole-layer response profiles (the reference default). */
    LAYER_WISE("layer-wise"),
    /** Cosine distance between the 2-vectors of mutual responses of each pair of neurons. */
    PAIR_WISE("pair-wise");

    private final String wireName;

    DistanceMode(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the command line and in JSON: {@code layer-wise} or {@code pair-wise}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses {@code layer-wise}/{@code pair-wise} (case-insensitive; {@code layerwise}, {@code pairwise} and the
     * underscore spellings are accepted too).
     *
     * @throws IllegalArgumentException naming the accepted values if {@code s} is none of them
     */
    public static DistanceMode parse(String s) {
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (t) {
            case "layer-wise", "layerwise" -> LAYER_WISE;
            case "pair-wise", "pairwise" -> PAIR_WISE;
            default -> throw new IllegalArgumentException("unknown distance '" + s + "' (expected layer-wise or "
                    + "pair-wise)");
        };
    }
}
