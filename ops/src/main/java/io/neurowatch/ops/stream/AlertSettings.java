package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.artifacts.ArtifactDetector;
import io.neurowatch.analyzers.artifacts.DetectorBank;
import io.neurowatch.analyzers.artifacts.ThresholdMode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Artifact alerting: which neurons are detectors from the start, and how their thresholds are set. Detectors DORA
 * finds later are added to these. Keys {@code alerts.*} in docs/streaming.md.
 *
 * @param detectors neurons that are detectors from the start ({@code alerts.detectors})
 * @param percentile the rank whose activation is the threshold ({@code alerts.percentile})
 * @param mode live or reference thresholds ({@code alerts.threshold})
 * @param referenceSamples the reference window of REFERENCE mode ({@code alerts.reference-samples})
 * @param minSamples activations a neuron must have seen before it may fire ({@code alerts.min-samples})
 * @param refresh how often live thresholds are re-read from the sketches ({@code alerts.refresh})
 */
public record AlertSettings(List<ArtifactDetector> detectors, double percentile, ThresholdMode mode,
                            long referenceSamples, long minSamples, Duration refresh) {
    public AlertSettings {
        detectors = List.copyOf(detectors);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(refresh, "refresh");
        newBank(percentile, mode, referenceSamples, minSamples);
    }

    public static AlertSettings defaults() {
        return new AlertSettings(List.of(), 0.99, ThresholdMode.LIVE, 5_000, 500, Duration.ofSeconds(1));
    }

    public AlertSettings withDetectors(List<ArtifactDetector> d) {
        return new AlertSettings(d, percentile, mode, referenceSamples, minSamples, refresh);
    }

    /** An empty bank with these thresholds (validates them). */
    public DetectorBank newBank() {
        return newBank(percentile, mode, referenceSamples, minSamples);
    }

    private static DetectorBank newBank(double percentile, ThresholdMode mode, long reference, long min) {
        return new DetectorBank(percentile, mode, reference, min);
    }
}
