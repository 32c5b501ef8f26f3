package io.neurowatch.analyzers.artifacts;

/**
 * A sample that activated an artifact detector above its threshold.
 *
 * @param detector the neuron that fired
 * @param sampleId the sample's id (unique per model)
 * @param activation its activation on the neuron
 * @param percentile the configured percentile the threshold stands for (e.g. 0.99)
 * @param threshold the activation value of that percentile when the sample was scored
 * @param sampleTimeMillis the sample's timestamp (producer clock, or arrival when it had none)
 */
public record ArtifactAlert(ArtifactDetector detector, long sampleId, float activation, double percentile,
                            double threshold, long sampleTimeMillis) {
}
