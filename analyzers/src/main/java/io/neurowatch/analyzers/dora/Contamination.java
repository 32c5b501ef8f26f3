package io.neurowatch.analyzers.dora;

import java.util.Locale;

/**
 * LOF's contamination, which sets the outlier threshold (spec dora.md §3.6 item 7, scikit-learn 1.2 semantics):
 * either a share in (0, 0.5], giving offset = the {@code 100·share}-th percentile of the scores with NumPy's linear
 * interpolation, or {@code auto}, giving offset = −1.5. Immutable.
 *
 * @param fraction the share, or NaN for {@code auto}
 * @throws IllegalArgumentException if a share lies outside (0, 0.5]
 */
public record Contamination(double fraction) {
    /** scikit-learn's offset for {@code contamination='auto'}. */
    public static final double AUTO_OFFSET = -1.5;

    public Contamination {
        if (!Double.isNaN(fraction) && !(fraction > 0 && fraction <= 0.5)) {
            throw new IllegalArgumentException("contamination must lie in (0, 0.5] or be 'auto', got " + fraction);
        }
    }

    public static Contamination auto() {
        return new Contamination(Double.NaN);
    }

    /** @throws IllegalArgumentException if {@code fraction} lies outside (0, 0.5] */
    public static Contamination of(double fraction) {
        if (Double.isNaN(fraction)) {
            throw new IllegalArgumentException("contamination must lie in (0, 0.5] or be 'auto', got NaN");
        }
        return new Contamination(fraction);
    }

    /** Parses {@code auto} or a number. @throws IllegalArgumentException on anything else or a share out of range */
    public static Contamination parse(String s) {
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return auto();
        }
        try {
            return of(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("contamination must be a number in (0, 0.5] or 'auto', got '" + s
                    + "'", e);
        }
    }

    public boolean isAuto() {
        return Double.isNaN(fraction);
    }

    /**
     * The threshold for these scores: −1.5 for {@code auto}, else {@code numpy.percentile(nof, 100·fraction)}.
     *
     * @throws IllegalArgumentException if {@code nof} is empty (a share needs scores)
     */
    public double offset(double[] nof) {
        if (isAuto()) {
            return AUTO_OFFSET;
        }
        return NumpyPercentile.linear(nof, 100.0 * fraction);
    }

    @Override
    public String toString() {
        return isAuto() ? "auto" : Double.toString(fraction);
    }
}
