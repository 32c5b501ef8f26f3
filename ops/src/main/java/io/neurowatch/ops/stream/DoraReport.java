package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.dora.DoraPipeline;

/**
 * A finished in-process DORA run of a registered model version: the full result (ranking, scores, distances) and
 * the s-AMS it was computed from, for dashboards; the flagged neurons have already become detectors.
 */
public record DoraReport(String model, String version, String layer, DoraPipeline.Outcome outcome) {
}
