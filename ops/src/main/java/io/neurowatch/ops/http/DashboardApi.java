package io.neurowatch.ops.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The read endpoints behind the dashboard pages: models, neuron tables, neurons, atlases, recent alerts and neuron
 * images. Blocking (reads statistics and files); the server calls it off the event loop. Transport, security and
 * the path parsing that rejects traversal stay in {@link NeurowatchHttpServer}.
 */
final class DashboardApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEURON = Pattern.compile("\\d{1,9}");
    static final int DEFAULT_ALERTS = 100;

    /** A complete response. */
    record Answer(int status, String contentType, byte[] body) {
    }

    /** Set on a request another instance forwarded: answer from local data only. */
    static final String LOCAL = "local";

    private final DashboardData data;
    private final RenderDirectory renders;
    private final RecentAlerts alerts;
    private final GroupView group;
    private final GroupForwarder forwarder;

    DashboardApi(DashboardData data, RenderDirectory renders, RecentAlerts alerts, GroupView group,
                 GroupForwarder forwarder) {
        this.data = data;
        this.renders = renders;
        this.alerts = alerts;
        this.group = group;
        this.forwarder = forwarder;
    }

    /** Whether a decoded path is one of these endpoints (any method); others are someone else's or 404. */
    static boolean handles(List<String> p) {
        if (p.size() < 2 || !p.get(0).equals("api")) {
            return false;
        }
        switch (p.get(1)) {
            case "models":
            case "alerts":
                return p.size() == 2;
            case "layers":
                return p.size() == 5 && p.get(4).equals("neurons");
            case "neurons":
            case "renders":
                return p.size() == 5;
            case "atlas":
                return p.size() == 4;
            default:
                return false;
        }
    }

    /** @param p a path for which {@link #handles} is true */
    Answer answer(List<String> p, Map<String, List<String>> query) throws JsonProcessingException {
        boolean local = query.containsKey(LOCAL);
        if (!local && p.size() >= 4 && (p.get(1).equals("layers") || p.get(1).equals("neurons")
                || p.get(1).equals("atlas"))) {
            var owner = group.ownerOf(p.get(2), p.get(3));
            if (owner.isPresent()) {
                return forwarder.get(owner.get(), p);
            }
        }
        switch (p.get(1)) {
            case "models":
                return local ? json(DashboardJson.models(data.layers())) : json(DashboardJson.models(groupLayers()));
            case "layers":
                return found(data.neurons(p.get(2), p.get(3)).map(rows -> DashboardJson.neurons(p.get(2), p.get(3),
                        rows)));
            case "neurons":
                if (!NEURON.matcher(p.get(4)).matches()) {
                    return notFound();
                }
                return found(data.neuron(p.get(2), p.get(3), Integer.parseInt(p.get(4))).map(DashboardJson::neuron));
            case "atlas":
                return found(data.atlas(p.get(2), p.get(3)).map(pts -> DashboardJson.atlas(p.get(2), p.get(3), pts)));
            case "alerts":
                return recentAlerts(query);
            case "renders":
                return renders.read(p.get(2), p.get(3), p.get(4))
                        .map(png -> new Answer(200, "image/png", png)).orElseGet(DashboardApi::notFound);
            default:
                return notFound();
        }
    }

    /** This instance's layers and every peer's (each answering for its own), the owner's entry where both do. */
    private List<DashboardData.LayerInfo> groupLayers() {
        java.util.Map<String, DashboardData.LayerInfo> byKey = new java.util.TreeMap<>();
        for (DashboardData.LayerInfo l : data.layers()) {
            byKey.put(l.model() + "\u0000" + l.layer(), l);
        }
        for (java.net.URI peer : group.peers()) {
            for (DashboardData.LayerInfo l : forwarder.layers(peer)) {
                byKey.merge(l.model() + "\u0000" + l.layer(), l, (mine, theirs) -> theirs.samples() > mine.samples()
                        ? theirs : mine);
            }
        }
        return new java.util.ArrayList<>(byKey.values());
    }

    private Answer recentAlerts(Map<String, List<String>> query) throws JsonProcessingException {
        int limit = DEFAULT_ALERTS;
        List<String> v = query.get("limit");
        if (v != null && !v.isEmpty()) {
            try {
                limit = Integer.parseInt(v.get(0));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1) {
                return error(400, "limit must be a positive integer");
            }
        }
        ArrayNode out = JSON.createArrayNode();
        alerts.latest(limit).forEach(out::add);
        return json(out);
    }

    private static Answer found(Optional<? extends JsonNode> body) throws JsonProcessingException {
        return body.isPresent() ? json(body.get()) : notFound();
    }

    private static Answer json(JsonNode body) throws JsonProcessingException {
        return new Answer(200, NeurowatchHttpServer.JSON_TYPE, JSON.writeValueAsBytes(body));
    }

    static Answer notFound() {
        return error(404, "not found");
    }

    private static Answer error(int status, String message) {
        String body = "{\"error\":\"" + message + "\"}";
        return new Answer(status, NeurowatchHttpServer.JSON_TYPE, body.getBytes(StandardCharsets.UTF_8));
    }
}
