package io.neurowatch.analyzers.invert;

import java.util.Locale;

/** Alternative hypothesis of the Mann–Whitney test, in SciPy's naming. */
public enum Alternative {
    /** Either group may be higher; p = 2·sf(max(U₁, U₂)). */
    TWO_SIDED("two-sided"),
    /** The formula's samples are stochastically higher: matches INVERT's {@code positive} mode. */
    LESS("less"),
    /** The formula's samples are stochastically lower. */
    GREATER("greater");

    private final String wire;

    Alternative(String wire) {
        this.wire = wire;
    }

    public String wireName() {
        return wire;
    }

    /**
     * @throws IllegalArgumentException for anything but two-sided, less or greater (the reference's docstring
     *     advertises 'one-sided', which SciPy rejects: quirk Q8)
     */
    public static Alternative parse(String s) {
        for (Alternative a : values()) {
            if (a.wire.equals(s.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException(
                "unknown alternative '" + s + "': expected two-sided, less or greater");
    }

    @Override
    public String toString() {
        return wire;
    }
}
