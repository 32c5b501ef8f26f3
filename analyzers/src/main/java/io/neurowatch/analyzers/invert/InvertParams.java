package io.neurowatch.analyzers.invert;

/**
 * Search parameters of INVERT (spec invert.md §6). Immutable; the {@code with*} methods return modified copies,
 * so one instance can serve as a template.
 *
 * @param maxLength L, the number of beam iterations (1 = atoms only)
 * @param beamSize B ≥ 1
 * @param limitSearch K, how many right-hand literals are tried per beam entry, in differentiability order; -1 means
 *     all 2C; 0 disables expansion
 * @param minFraction α: the smallest admissible share of samples covered by a formula
 * @param maxFraction the largest admissible share
 * @param mode positive (high activations) or negative
 * @param memorizeStates return the beam of every length, not just the last
 * @param alternative alternative hypothesis of the reported Mann–Whitney p-value
 * @param aurocCompat rank the float32 sigmoid of the activations when any lies outside [0,1], as torchmetrics
 *     does (quirk Q1)
 * @param float32Compat compute metric, differentiability and fraction in float32 and compare them there (Q2)
 * @param keepDegenerate keep concepts present in no or in all samples among the candidate literals (Q3)
 * @param allowDuplicates let the same formula enter the beam several times (Q4)
 * @param pruneNoop skip extensions whose support equals their parent's (off by default; not in the reference)
 */
public record InvertParams(int maxLength, int beamSize, int limitSearch, double minFraction, double maxFraction,
                           Mode mode, boolean memorizeStates, Alternative alternative, boolean aurocCompat,
                           boolean float32Compat, boolean keepDegenerate, boolean allowDuplicates,
                           boolean pruneNoop) {

    public static final double DEFAULT_MIN_FRACTION = 0.0;
    public static final double DEFAULT_MAX_FRACTION = 0.5;

    public InvertParams {
        if (maxLength < 1) {
            throw new IllegalArgumentException("L must be at least 1, got " + maxLength);
        }
        if (beamSize < 1) {
            throw new IllegalArgumentException("B must be at least 1, got " + beamSize);
        }
        if (limitSearch < -1) {
            throw new IllegalArgumentException("limit_search must be >= 0 (or -1 for all), got " + limitSearch);
        }
        if (!(minFraction >= 0 && minFraction <= 1) || !(maxFraction >= 0 && maxFraction <= 1)) {
            throw new IllegalArgumentException("min_fraction and max_fraction must lie in [0, 1], got "
                    + minFraction + " and " + maxFraction);
        }
        if (minFraction > maxFraction) {
            throw new IllegalArgumentException(
                    "min_fraction " + minFraction + " exceeds max_fraction " + maxFraction);
        }
        if (mode == null || alternative == null) {
            throw new IllegalArgumentException("mode and alternative are required");
        }
    }

    /** L and B with every other parameter at its default. */
    public static InvertParams of(int maxLength, int beamSize) {
        return new InvertParams(maxLength, beamSize, -1, DEFAULT_MIN_FRACTION, DEFAULT_MAX_FRACTION, Mode.POSITIVE,
                false, Alternative.TWO_SIDED, false, false, false, false, false);
    }

    public InvertParams withLimitSearch(int k) {
        return new InvertParams(maxLength, beamSize, k, minFraction, maxFraction, mode, memorizeStates, alternative,
                aurocCompat, float32Compat, keepDegenerate, allowDuplicates, pruneNoop);
    }

    public InvertParams withFractions(double min, double max) {
        return new InvertParams(maxLength, beamSize, limitSearch, min, max, mode, memorizeStates, alternative,
                aurocCompat, float32Compat, keepDegenerate, allowDuplicates, pruneNoop);
    }

    public InvertParams withMode(Mode m) {
        return new InvertParams(maxLength, beamSize, limitSearch, minFraction, maxFraction, m, memorizeStates,
                alternative, aurocCompat, float32Compat, keepDegenerate, allowDuplicates, pruneNoop);
    }

    public InvertParams withMemorizeStates(boolean on) {
        return new InvertParams(maxLength, beamSize, limitSearch, minFraction, maxFraction, mode, on, alternative,
                aurocCompat, float32Compat, keepDegenerate, allowDuplicates, pruneNoop);
    }

    public InvertParams withAlternative(Alternative a) {
        return new InvertParams(maxLength, beamSize, limitSearch, minFraction, maxFraction, mode, memorizeStates, a,
                aurocCompat, float32Compat, keepDegenerate, allowDuplicates, pruneNoop);
    }

    /** Sets the four compat flags at once: the spec's {@code reference_compat}. */
    public InvertParams withReferenceCompat(boolean on) {
        return withCompat(on, on, on, on);
    }

    public InvertParams withCompat(boolean auroc, boolean float32, boolean degenerate, boolean duplicates) {
        return new InvertParams(maxLength, beamSize, limitSearch, minFraction, maxFraction, mode, memorizeStates,
                alternative, auroc, float32, degenerate, duplicates, pruneNoop);
    }

    public InvertParams withPruneNoop(boolean on) {
        return new InvertParams(maxLength, beamSize, limitSearch, minFraction, maxFraction, mode, memorizeStates,
                alternative, aurocCompat, float32Compat, keepDegenerate, allowDuplicates, on);
    }

    /** True when all four compat flags are on. */
    public boolean referenceCompat() {
        return aurocCompat && float32Compat && keepDegenerate && allowDuplicates;
    }

    /**
     * Checks the parameters that depend on the number of concepts.
     *
     * @throws IllegalArgumentException if K exceeds 2C (the reference raises IndexError: quirk Q6)
     */
    public void validateFor(int concepts) {
        if (limitSearch > 2L * concepts) {
            throw new IllegalArgumentException("limit_search " + limitSearch + " exceeds the number of literals 2C = "
                    + 2L * concepts);
        }
    }
}
