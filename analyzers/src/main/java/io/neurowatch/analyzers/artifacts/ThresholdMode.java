package io.neurowatch.analyzers.artifacts;

import java.util.Locale;

/** How a detector's threshold follows the neuron's streaming distribution. */
public enum ThresholdMode {
    /**
     * The percentile of everything the neuron's sketch currently holds, refreshed continuously. Adapts to drift,
     * but a burst of artifacts raises its own threshold.
     */
    LIVE,
    /**
     * The percentile of a reference window: the first {@code referenceSamples} samples of the neuron (or what the
     * sketch holds when the detector is registered later), then frozen. Robust to bursts; does not follow drift.
     */
    REFERENCE;

    /** Parses {@code live} or {@code reference}, case-insensitively. */
    public static ThresholdMode parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("threshold mode '" + s + "' is not live or reference", e);
        }
    }
}
