package io.neurowatch.ops.stream;

/**
 * The topics the analyzer reads and writes; created if missing (labels compacted).
 *
 * @param activations wire-format activation batches, key {@code model/layer}
 * @param annotations late labels ({@code SampleAnnotation}), key {@code model/sampleId}, joined to the samples
 * @param labels latest label per neuron and method, compacted
 * @param labelEvents label-changed (drift) events
 * @param deadLetters undecodable or invalid records, with the reason in headers
 * @param alerts infected-neuron and artifact alerts
 */
public record Topics(String activations, String annotations, String labels, String labelEvents, String deadLetters,
                     String alerts) {
    public static Topics defaults() {
        return new Topics("neurowatch.activations", "neurowatch.annotations", "neurowatch.labels",
                "neurowatch.label-events", "neurowatch.dead-letters", "neurowatch.alerts");
    }
}
