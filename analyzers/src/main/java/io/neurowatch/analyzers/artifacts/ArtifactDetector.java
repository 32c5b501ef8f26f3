package io.neurowatch.analyzers.artifacts;

import java.util.Objects;

/**
 * One neuron used as an artifact detector: a sample whose activation on it exceeds a percentile of the neuron's
 * activation distribution raises an alert. Usually a neuron DORA flagged as infected.
 *
 * @param model model id as on the wire
 * @param layer layer name as on the wire
 * @param neuron column of the layer's activation matrix
 */
public record ArtifactDetector(String model, String layer, int neuron) {
    public ArtifactDetector {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(layer, "layer");
        if (neuron < 0) {
            throw new IllegalArgumentException("neuron must be >= 0, found " + neuron);
        }
    }

    /**
     * Parses {@code model/layer/neuron}; the layer may itself contain slashes (the neuron is after the last one,
     * the model before the first).
     *
     * @throws IllegalArgumentException naming the text if it is not of that form
     */
    public static ArtifactDetector parse(String text) {
        String t = text.strip();
        int first = t.indexOf('/');
        int last = t.lastIndexOf('/');
        if (first <= 0 || last <= first + 1 || last == t.length() - 1) {
            throw new IllegalArgumentException("detector '" + text + "' is not model/layer/neuron");
        }
        try {
            return new ArtifactDetector(t.substring(0, first), t.substring(first + 1, last),
                    Integer.parseInt(t.substring(last + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("detector '" + text + "': neuron is not an integer", e);
        }
    }

    /** The layer this detector reads, as {@code model/layer}. */
    public String layerKey() {
        return model + "/" + layer;
    }

    @Override
    public String toString() {
        return model + "/" + layer + "/" + neuron;
    }
}
