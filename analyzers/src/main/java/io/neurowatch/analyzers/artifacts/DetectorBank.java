package io.neurowatch.analyzers.artifacts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The artifact detectors of a stream and their thresholds; scores incoming batches.
 *
 * <p>A detector stays silent until its neuron's distribution has seen {@code minSamples} activations: a percentile
 * of a handful of samples is noise. Thresholds come from {@link #refresh}; between refreshes scoring is a compare
 * per (sample, detector), so alerts leave with the batch that caused them.
 *
 * <p>Not thread-safe: one thread (the analyzer's writer) owns it.
 */
public final class DetectorBank {
    private final double percentile;
    private final ThresholdMode mode;
    private final long referenceSamples;
    private final long minSamples;
    /** Detectors by {@code model/layer}, in registration order. */
    private final Map<String, List<Entry>> byLayer = new LinkedHashMap<>();
    private final Map<ArtifactDetector, Entry> entries = new HashMap<>();

    /**
     * @param percentile rank in (0, 1) whose activation value is the threshold, e.g. 0.99
     * @param mode live or reference thresholds
     * @param referenceSamples size of the reference window (REFERENCE mode)
     * @param minSamples activations a neuron must have seen before its detector may fire
     */
    public DetectorBank(double percentile, ThresholdMode mode, long referenceSamples, long minSamples) {
        if (!(percentile > 0 && percentile < 1)) {
            throw new IllegalArgumentException("percentile must be in (0, 1), found " + percentile);
        }
        if (referenceSamples < 1 || minSamples < 1) {
            throw new IllegalArgumentException("referenceSamples and minSamples must be positive: "
                    + referenceSamples + ", " + minSamples);
        }
        this.percentile = percentile;
        this.mode = mode;
        this.referenceSamples = referenceSamples;
        this.minSamples = minSamples;
    }

    /** The state of one detector, for persistence and dashboards. */
    public record DetectorState(ArtifactDetector detector, double threshold, boolean frozen, String origin) {
    }

    private static final class Entry {
        final ArtifactDetector detector;
        final String origin;
        double threshold = Double.NaN;
        boolean frozen;

        Entry(ArtifactDetector detector, String origin) {
            this.detector = detector;
            this.origin = origin;
        }
    }

    /**
     * Adds detectors (already present ones are kept with their thresholds).
     *
     * @param origin why they are detectors, e.g. {@code config} or {@code dora model@v3}
     * @return the detectors that were new
     */
    public List<ArtifactDetector> register(Collection<ArtifactDetector> detectors, String origin) {
        List<ArtifactDetector> added = new ArrayList<>();
        for (ArtifactDetector d : detectors) {
            if (!entries.containsKey(d)) {
                Entry e = new Entry(d, origin);
                entries.put(d, e);
                byLayer.computeIfAbsent(d.layerKey(), k -> new ArrayList<>()).add(e);
                added.add(d);
            }
        }
        return added;
    }

    /** Restores a persisted detector with its threshold (a frozen reference threshold survives restarts). */
    public void restore(DetectorState s) {
        register(List.of(s.detector()), s.origin());
        Entry e = entries.get(s.detector());
        e.threshold = s.threshold();
        e.frozen = s.frozen();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public double percentile() {
        return percentile;
    }

    /** Every detector with its current threshold, in registration order. */
    public List<DetectorState> states() {
        List<DetectorState> out = new ArrayList<>();
        for (List<Entry> layer : byLayer.values()) {
            for (Entry e : layer) {
                out.add(new DetectorState(e.detector, e.threshold, e.frozen, e.origin));
            }
        }
        return out;
    }

    /**
     * Recomputes thresholds from the neurons' distributions. Frozen reference thresholds stay.
     *
     * @return true if a threshold was frozen by this call (callers persist the bank then)
     */
    public boolean refresh(NeuronDistribution distribution) {
        boolean froze = false;
        for (Entry e : entries.values()) {
            if (e.frozen) {
                continue;
            }
            long n = distribution.count(e.detector);
            if (n < minSamples) {
                e.threshold = Double.NaN;
                continue;
            }
            e.threshold = distribution.quantile(e.detector, percentile);
            if (mode == ThresholdMode.REFERENCE && n >= referenceSamples && !Double.isNaN(e.threshold)) {
                e.frozen = true;
                froze = true;
            }
        }
        return froze;
    }

    /**
     * Scores a batch of one layer: an alert per (sample, detector) whose activation is strictly above the
     * detector's threshold. Detectors without a threshold yet stay silent.
     *
     * @param activations row-major [sampleIds.length, features]
     */
    public List<ArtifactAlert> score(String model, String layer, long[] sampleIds, long[] timestamps,
                                     float[] activations, int features) {
        List<Entry> detectors = byLayer.get(model + "/" + layer);
        if (detectors == null) {
            return List.of();
        }
        List<ArtifactAlert> alerts = new ArrayList<>(0);
        for (Entry e : detectors) {
            int j = e.detector.neuron();
            if (Double.isNaN(e.threshold) || j >= features) {
                continue;
            }
            for (int i = 0; i < sampleIds.length; i++) {
                float a = activations[i * features + j];
                if (a > e.threshold) {
                    alerts.add(new ArtifactAlert(e.detector, sampleIds[i], a, percentile, e.threshold,
                            timestamps == null ? 0 : timestamps[i]));
                }
            }
        }
        return alerts;
    }
}
