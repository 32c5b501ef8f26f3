package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.dora.DoraPipeline;
import java.util.List;

/**
 * A finished in-process DORA run of a registered model version: the full result (ranking, scores, distances) and
 * the s-AMS it was computed from, for dashboards.
 */
public record DoraReport(String model, String version, String layer, DoraPipeline.Outcome outcome) {
    /**
     * The neurons a run flagged, waiting for the task that owns their layer to make them detectors.
     *
     * @param nof their negative outlier factors, parallel to {@code neurons}
     */
    record Flagged(String model, String version, String layer, List<Integer> neurons, double[] nof) {
    }
}
