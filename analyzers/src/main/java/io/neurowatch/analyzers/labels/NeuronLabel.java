package io.neurowatch.analyzers.labels;

/**
 * The current label of a neuron by one method, as published on the labels topic.
 *
 * @param neuron which neuron
 * @param method {@code invert} or {@code clip-dissect}
 * @param label canonical formula (INVERT) or concept (CLIP-Dissect); empty when the neuron has no label
 * @param readable the same with human concept names
 * @param score AUROC (INVERT) or similarity score (CLIP-Dissect)
 * @param pValue Mann–Whitney p-value (INVERT), NaN otherwise
 * @param support samples covered by the formula (INVERT), 0 otherwise
 * @param windowSamples samples the label was computed on
 * @param computedAtMillis wall-clock time of the label run
 * @param status {@code ok}, {@code constant}, {@code dead}, {@code error} or {@code insufficient}
 */
public record NeuronLabel(NeuronKey neuron, String method, String label, String readable, double score,
                          double pValue, int support, long windowSamples, long computedAtMillis, String status) {
}
