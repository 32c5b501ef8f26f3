package io.neurowatch.ops.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.analyzers.labels.LabelChange;
import io.neurowatch.analyzers.labels.NeuronKey;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.ops.http.DashboardData.LabelEvent;
import io.neurowatch.ops.stream.LabelJson;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Each neuron's label changes as they stream past on the event flux ({@code label_changed} events; other events
 * are ignored), the last {@code perNeuron} kept. Held in memory from subscription on: the label-events topic is the
 * durable record.
 */
final class LabelHistory implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int perNeuron;
    private final Map<NeuronKey, ArrayDeque<LabelEvent>> events = new ConcurrentHashMap<>();
    private final Disposable subscription;

    LabelHistory(Flux<String> source, int perNeuron) {
        if (perNeuron < 1) {
            throw new IllegalArgumentException("perNeuron must be positive: " + perNeuron);
        }
        this.perNeuron = perNeuron;
        this.subscription = source.subscribe(this::accept, e -> { });
    }

    private void accept(String text) {
        LabelChange change;
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !"label_changed".equals(n.path("type").asText())) {
                return;
            }
            change = LabelJson.decodeChange(n);
        } catch (IOException e) {
            return;
        }
        NeuronLabel now = change.current();
        LabelEvent e = new LabelEvent(now.computedAtMillis(), now.method(),
                change.previous() == null ? null : readable(change.previous()), readable(now), now.score(),
                now.status());
        ArrayDeque<LabelEvent> q = events.computeIfAbsent(now.neuron(), k -> new ArrayDeque<>());
        synchronized (q) {
            if (q.size() == perNeuron) {
                q.removeFirst();
            }
            q.addLast(e);
        }
    }

    private static String readable(NeuronLabel l) {
        return l.readable() == null || l.readable().isEmpty() ? l.label() : l.readable();
    }

    /** The neuron's changes, oldest first. */
    List<LabelEvent> of(String model, String layer, int neuron) {
        ArrayDeque<LabelEvent> q = events.get(new NeuronKey(model, layer, neuron));
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            return List.copyOf(q);
        }
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}
