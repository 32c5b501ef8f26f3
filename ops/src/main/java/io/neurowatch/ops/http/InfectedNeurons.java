package io.neurowatch.ops.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.analyzers.labels.NeuronKey;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Neurons the analyzer's own DORA runs reported as infected ({@code infected_neuron} events), with their negative
 * outlier factor. The analyzer publishes only the flagged neurons, not a whole result, so this fills the DORA
 * column of those neurons when no full result ({@code dora.json}) is at hand. Held from subscription on.
 */
final class InfectedNeurons implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<NeuronKey, Double> nof = new ConcurrentHashMap<>();
    private final Disposable subscription;

    InfectedNeurons(Flux<String> events) {
        this.subscription = events.subscribe(this::accept, e -> { });
    }

    private void accept(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !"infected_neuron".equals(n.path("type").asText()) || !n.path("model").isTextual()
                    || !n.path("layer").isTextual() || !n.path("neuron").isIntegralNumber()
                    || n.path("neuron").asInt() < 0) {
                return;
            }
            JsonNode v = n.get("nof");
            nof.put(new NeuronKey(n.get("model").asText(), n.get("layer").asText(), n.get("neuron").asInt()),
                    v != null && v.isNumber() ? v.asDouble() : Double.NaN);
        } catch (IOException e) {
            // not JSON: not an event of ours
        }
    }

    /** The reported nof (NaN when not given), or null when the neuron was not reported. */
    Double nof(String model, String layer, int neuron) {
        return nof.get(new NeuronKey(model, layer, neuron));
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}
