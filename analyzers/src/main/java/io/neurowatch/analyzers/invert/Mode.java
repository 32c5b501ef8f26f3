package io.neurowatch.analyzers.invert;

import java.util.Locale;

/** Which end of the activation distribution a formula should explain. */
public enum Mode {
    /** High activations: formulas sorted by AUROC descending. */
    POSITIVE,
    /** Low activations: sorted ascending. The AUROC itself is not flipped. */
    NEGATIVE;

    /** @throws IllegalArgumentException for anything else (the reference silently skips sorting: quirk Q5) */
    public static Mode parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "positive" -> POSITIVE;
            case "negative" -> NEGATIVE;
            default -> throw new IllegalArgumentException("unknown mode '" + s + "': expected positive or negative");
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
