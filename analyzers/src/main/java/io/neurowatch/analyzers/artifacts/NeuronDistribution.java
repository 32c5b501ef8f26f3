package io.neurowatch.analyzers.artifacts;

/** What a detector bank needs of a neuron's streaming distribution (a quantile sketch, in practice). */
public interface NeuronDistribution {
    /** Number of activations the distribution has seen. */
    long count(ArtifactDetector neuron);

    /** The activation at normalized rank {@code rank} in [0, 1]; NaN if nothing was seen. */
    double quantile(ArtifactDetector neuron, double rank);
}
