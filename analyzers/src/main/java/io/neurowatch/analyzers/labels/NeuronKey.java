package io.neurowatch.analyzers.labels;

import java.util.Objects;

/**
 * Identifies one neuron of one layer of one model; {@link #topicKey()} is the key of the compacted labels topic.
 *
 * @param model model id
 * @param layer layer name
 * @param neuron flattened feature index
 */
public record NeuronKey(String model, String layer, int neuron) {
    public NeuronKey {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(layer, "layer");
        if (neuron < 0) {
            throw new IllegalArgumentException("neuron index is negative: " + neuron);
        }
    }

    /** {@code model/layer/neuron}: one key per neuron, so compaction keeps its latest label. */
    public String topicKey() {
        return model + "/" + layer + "/" + neuron;
    }
}
