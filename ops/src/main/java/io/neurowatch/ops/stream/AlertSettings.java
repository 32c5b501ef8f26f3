package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.artifacts.ArtifactDetector;
import io.neurowatch.analyzers.artifacts.DetectorBank;
import io.neurowatch.analyzers.artifacts.ThresholdMode;
import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Artifact alerting: which neurons are detectors from the start, and how their thresholds are set. Detectors DORA
 * finds later are added to these.
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
    public static final Setting<List<ArtifactDetector>> DETECTORS = Setting.custom("alerts.detectors",
            "list of model/layer/neuron", List.of(), "none", "artifact detectors from the start, comma-separated "
                    + "(DORA adds more at run time)", AlertSettings::parseDetectors,
            l -> l.stream().map(ArtifactDetector::toString).collect(java.util.stream.Collectors.joining(",")));
    public static final Setting<Double> PERCENTILE = Setting.decimal("alerts.percentile", 0.99,
            "a sample fires a detector when its activation is strictly above this percentile of the neuron's "
                    + "distribution", Setting.openUnitInterval());
    public static final Setting<String> THRESHOLD = Setting.choice("alerts.threshold", "live",
            "`live` (percentile of the neuron's whole streaming sketch, re-read every `alerts.refresh`) or "
                    + "`reference` (percentile once the sketch holds `alerts.reference-samples`, then frozen and kept "
                    + "in `detectors.json`)", "live", "reference");
    public static final Setting<Long> REFERENCE_SAMPLES = Setting.longValue("alerts.reference-samples", 5_000,
            "size of the reference window (`reference` mode)", Setting.atLeast(1L));
    public static final Setting<Long> MIN_SAMPLES = Setting.longValue("alerts.min-samples", 500,
            "a detector stays silent until its neuron has this many activations", Setting.atLeast(0L));
    public static final Setting<Duration> REFRESH = Setting.duration("alerts.refresh", Duration.ofSeconds(1),
            "how often live thresholds are re-read (at most once per second)", Setting.positive());

    public static final SettingsTable.Group GROUP = new SettingsTable.Group("alerts",
            "Artifact detectors: a sample whose activation on a detector neuron is above its threshold is an alert.",
            List.of(DETECTORS, PERCENTILE, THRESHOLD, REFERENCE_SAMPLES, MIN_SAMPLES, REFRESH));

    public AlertSettings {
        detectors = List.copyOf(detectors);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(refresh, "refresh");
        newBank(percentile, mode, referenceSamples, minSamples);
    }

    public static AlertSettings from(SettingValues v) {
        return new AlertSettings(v.get(DETECTORS), v.get(PERCENTILE), ThresholdMode.parse(v.get(THRESHOLD)),
                v.get(REFERENCE_SAMPLES), v.get(MIN_SAMPLES), v.get(REFRESH));
    }

    private static List<ArtifactDetector> parseDetectors(String text) {
        List<ArtifactDetector> out = new java.util.ArrayList<>();
        for (String d : text.split(",")) {
            if (!d.isBlank()) {
                out.add(ArtifactDetector.parse(d.trim()));
            }
        }
        return out;
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
