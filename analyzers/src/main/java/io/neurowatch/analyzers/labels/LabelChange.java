package io.neurowatch.analyzers.labels;

/**
 * A neuron's best label changed between two label runs (label drift).
 *
 * @param previous the label before, or null for a neuron's first label
 * @param current the label now
 */
public record LabelChange(NeuronLabel previous, NeuronLabel current) {
    public boolean isFirst() {
        return previous == null;
    }
}
