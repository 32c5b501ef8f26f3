package io.neurowatch.ops.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The last alerts of the alert stream, newest first, so a page opened now can show what happened before it
 * connected to the live feed. A payload that is not JSON is kept as {@code {"type": "unknown", "raw": "…"}}.
 */
final class RecentAlerts implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int capacity;
    private final ArrayDeque<JsonNode> alerts;
    private final Disposable subscription;

    RecentAlerts(Flux<String> source, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.alerts = new ArrayDeque<>(capacity);
        this.subscription = source.subscribe(this::add, e -> { });
    }

    private void add(String text) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject()) {
            n = JSON.createObjectNode().put("type", "unknown").put("raw", text);
        }
        synchronized (alerts) {
            if (alerts.size() == capacity) {
                alerts.removeLast();
            }
            alerts.addFirst(n);
        }
    }

    /** At most {@code limit} alerts, newest first. */
    List<JsonNode> latest(int limit) {
        synchronized (alerts) {
            List<JsonNode> out = new ArrayList<>(Math.min(limit, alerts.size()));
            Iterator<JsonNode> it = alerts.iterator();
            while (it.hasNext() && out.size() < limit) {
                out.add(it.next());
            }
            return out;
        }
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}
