package io.neurowatch.ops.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks another instance of the group over HTTP, for a layer this instance does not own: the same API path, marked
 * {@code ?local} so the peer answers from its own data and never forwards again. Blocking (called off the event
 * loop); a peer that does not answer within 5 s is a 502 naming it, or, for the layer list, left out with a log line.
 */
final class GroupForwarder {
    private static final Logger LOG = LoggerFactory.getLogger(GroupForwarder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String bearerToken;

    /** @param bearerToken the token this server requires, sent along (the group shares one), or null */
    GroupForwarder(String bearerToken) {
        this.bearerToken = bearerToken;
    }

    /** The peer's answer to the same API path. */
    DashboardApi.Answer get(URI peer, List<String> path) {
        URI uri = peer.resolve(encode(path) + "?" + DashboardApi.LOCAL);
        try {
            HttpResponse<byte[]> r = client.send(request(uri), HttpResponse.BodyHandlers.ofByteArray());
            return new DashboardApi.Answer(r.statusCode(), r.headers().firstValue("content-type")
                    .orElse(NeurowatchHttpServer.JSON_TYPE), r.body());
        } catch (IOException e) {
            return unreachable(uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(uri, e);
        }
    }

    /** The layers a peer answers for itself. */
    List<DashboardData.LayerInfo> layers(URI peer) {
        URI uri = peer.resolve("/api/models?" + DashboardApi.LOCAL);
        List<DashboardData.LayerInfo> out = new ArrayList<>();
        try {
            HttpResponse<byte[]> r = client.send(request(uri), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                LOG.info("group peer {} answered {} for its layers", uri, r.statusCode());
                return out;
            }
            for (JsonNode m : JSON.readTree(r.body()).path("models")) {
                for (JsonNode l : m.path("layers")) {
                    out.add(new DashboardData.LayerInfo(m.get("model").asText(), text(l.get("version")),
                            l.get("layer").asText(), l.get("features").asInt(), l.get("samples").asLong(),
                            l.get("last_batch").isNull() ? null : l.get("last_batch").asLong(),
                            l.get("atlas").asBoolean()));
                }
            }
        } catch (IOException e) {
            LOG.info("group peer {} did not answer for its layers: {}", uri, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private HttpRequest request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        if (bearerToken != null) {
            b.header("Authorization", "Bearer " + bearerToken);
        }
        return b.build();
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static String encode(List<String> path) {
        StringBuilder s = new StringBuilder();
        for (String segment : path) {
            s.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return s.toString();
    }

    private static DashboardApi.Answer unreachable(URI uri, Exception e) {
        String body = "{\"error\": \"the instance that owns this layer did not answer: " + uri.getAuthority()
                + "\"}";
        LOG.warn("forwarding to {} failed: {}", uri, e.toString());
        return new DashboardApi.Answer(502, NeurowatchHttpServer.JSON_TYPE, body.getBytes(StandardCharsets.UTF_8));
    }
}
