package io.neurowatch.ops.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurowatch.analyzers.labels.NeuronKey;
import io.neurowatch.analyzers.labels.NeuronLabel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Sinks;

@Timeout(60)
class NeurowatchHttpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NeuronLabel L1 = new NeuronLabel(new NeuronKey("m", "pool", 3), "invert", "c2 | c7",
            "red | wheel", 0.957, 1.2e-80, 812, 3000, 1795000000000L, "ok");
    private static final NeuronLabel L2 = new NeuronLabel(new NeuronKey("m", "fc", 0), "invert", "",
            "", Double.NaN, Double.NaN, 0, 3000, 1795000000000L, "dead");
    private static final NeuronLabel L3 = new NeuronLabel(new NeuronKey("other", "pool", 1), "invert", "c1",
            "sky", 0.8, 1e-5, 40, 3000, 1795000000000L, "ok");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<Readiness> readiness = new AtomicReference<>(Readiness.up());
    private final Sinks.Many<String> alerts = Sinks.many().multicast().onBackpressureBuffer();
    private NeurowatchHttpServer server;

    @BeforeEach
    void start() {
        server = NeurowatchHttpServer.builder()
                .port(0)
                .registry(registry)
                .readiness(readiness::get)
                .labels(() -> List.of(L1, L2, L3))
                .alerts(alerts.asFlux())
                .heartbeat(Duration.ofMillis(300))
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsServePrometheusTextWithJvmMetrics() throws Exception {
        registry.counter("neurowatch_test_events").increment(3);
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"), r.headers().toString());
        assertTrue(r.body().contains("neurowatch_test_events_total 3.0"), r.body());
        assertTrue(r.body().contains("jvm_memory_used_bytes"), "JvmMemoryMetrics");
        assertTrue(r.body().contains("jvm_threads_live_threads"), "JvmThreadMetrics");
        assertTrue(r.body().contains("system_cpu_count"), "ProcessorMetrics");
        assertTrue(r.body().contains("jvm_gc_"), "JvmGcMetrics");
    }

    @Test
    void healthAndReadiness() throws Exception {
        HttpResponse<String> h = get("/health");
        assertEquals(200, h.statusCode());
        assertEquals("UP", JSON.readTree(h.body()).get("status").asText());
        assertEquals("application/json", h.headers().firstValue("content-type").orElse(""));

        assertEquals(200, get("/ready").statusCode());
        assertEquals("READY", JSON.readTree(get("/ready").body()).get("status").asText());
        readiness.set(Readiness.notReady("broker unreachable"));
        HttpResponse<String> r = get("/ready");
        assertEquals(503, r.statusCode());
        JsonNode n = JSON.readTree(r.body());
        assertEquals("NOT_READY", n.get("status").asText());
        assertEquals("broker unreachable", n.get("reason").asText());
        assertEquals(200, get("/health").statusCode(), "liveness does not follow readiness");
        readiness.set(null);
        assertEquals(503, get("/ready").statusCode(), "a failing readiness check is not ready");
    }

    @Test
    void labelsAsJsonWithFilters() throws Exception {
        HttpResponse<String> r = get("/api/labels");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode all = JSON.readTree(r.body());
        assertEquals(3, all.size());
        JsonNode first = all.get(0);
        assertEquals("m", first.get("model").asText());
        assertEquals("pool", first.get("layer").asText());
        assertEquals(3, first.get("neuron").asInt());
        assertEquals("c2 | c7", first.get("label").asText());
        assertEquals("red | wheel", first.get("readable").asText());
        assertEquals(0.957, first.get("score").asDouble(), 1e-12);
        assertEquals(812, first.get("support").asInt());
        assertTrue(all.get(1).get("score").isNull(), "NaN is null, as in LabelJson");

        assertEquals(2, JSON.readTree(get("/api/labels?model=m").body()).size());
        JsonNode pool = JSON.readTree(get("/api/labels?layer=pool").body());
        assertEquals(2, pool.size());
        JsonNode one = JSON.readTree(get("/api/labels?model=m&layer=pool").body());
        assertEquals(1, one.size());
        assertEquals(3, one.get(0).get("neuron").asInt());
        assertEquals(0, JSON.readTree(get("/api/labels?model=nope").body()).size());
    }

    @Test
    void alertStreamDeliversEventsPushedAfterConnect() throws Exception {
        HttpResponse<Stream<String>> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/alerts/stream"))
                        .header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                r.body().forEach(lines::add);
            } catch (RuntimeException e) {
                // closed by the test
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            assertEquals(": connected", lines.poll(10, TimeUnit.SECONDS));
            assertEquals(2, alerts.currentSubscriberCount(), "this client and the recent-alerts buffer");
            assertEquals(Sinks.EmitResult.OK, alerts.tryEmitNext("{\"type\":\"alert\",\"neuron\":3}"));
            assertEquals(Sinks.EmitResult.OK, alerts.tryEmitNext("{\"type\":\"alert\",\"neuron\":4}"));
            List<String> data = new java.util.ArrayList<>();
            boolean heartbeat = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((data.size() < 2 || !heartbeat) && System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                    assertEquals("", lines.poll(5, TimeUnit.SECONDS), "an event ends with a blank line");
                } else if (line.equals(": heartbeat")) {
                    heartbeat = true;
                }
            }
            assertEquals(List.of("{\"type\":\"alert\",\"neuron\":3}", "{\"type\":\"alert\",\"neuron\":4}"), data);
            assertTrue(heartbeat, "heartbeat comments are sent");
        } finally {
            r.body().close();
        }
    }

    @Test
    void sseEventSplitsLines() {
        assertEquals("data: {\"a\":1}\n\n", NeurowatchHttpServer.sseEvent("{\"a\":1}"));
        assertEquals("data: {\ndata: }\n\n", NeurowatchHttpServer.sseEvent("{\n}"));
    }

    @Test
    void dashboardIsServedWithContentTypes() throws Exception {
        HttpResponse<String> index = get("/");
        assertEquals(200, index.statusCode());
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("content-type").orElse(""));
        assertTrue(index.body().contains("<title>Neurowatch</title>"));
        assertTrue(index.headers().firstValue("content-security-policy").isPresent());
        assertEquals(index.body(), get("/dashboard/").body());
        assertEquals(index.body(), get("/dashboard/index.html").body());

        assertTrue(index.body().contains("src=\"/dashboard/app.js\""), "the page loads the app module");
        for (String module : List.of("app.js", "pages.js", "charts.js", "alerts.js", "dom.js")) {
            HttpResponse<String> js = get("/dashboard/" + module);
            assertEquals(200, js.statusCode(), module);
            assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("content-type").orElse(""));
        }
        assertTrue(get("/dashboard/alerts.js").body().contains("new EventSource('/api/alerts/stream')"));
        assertTrue(get("/dashboard/pages.js").body().contains("'/api/models'"));
        HttpResponse<String> css = get("/dashboard/dashboard.css");
        assertEquals("text/css; charset=utf-8", css.headers().firstValue("content-type").orElse(""));
        assertEquals(404, get("/dashboard/missing.html").statusCode());
    }

    @Test
    void unknownPathsAre404Json() throws Exception {
        for (String p : List.of("/nope", "/api", "/api/labels/x", "/metrics/", "/index.html", "/health/x")) {
            HttpResponse<String> r = get(p);
            assertEquals(404, r.statusCode(), p);
            assertEquals("not found", JSON.readTree(r.body()).get("error").asText(), p);
        }
    }

    @Test
    void otherMethodsAre405() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/health"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("GET", r.headers().firstValue("allow").orElse(""));
    }

    @Test
    void traversalIsRejected() throws Exception {
        List<String> targets = List.of(
                "/../pom.xml",
                "/%2e%2e/pom.xml",
                "/%2E%2E/%2e%2e/pom.xml",
                "/dashboard/../../x",
                "/dashboard/../../pom.xml",
                "/dashboard/%2e%2e/%2e%2e/pom.xml",
                "/dashboard/..%2f..%2fpom.xml",
                "/dashboard/%2e%2e%2fio%2fneurowatch%2fops%2fhttp%2fNeurowatchHttpServer.class",
                "/dashboard/../io/neurowatch/ops/http/NeurowatchHttpServer.class",
                "/dashboard/..%5c..%5cpom.xml",
                "/dashboard/%252e%252e/pom.xml",
                "/dashboard/./index.html",
                "/dashboard/.%2findex.html",
                "/dashboard/.hidden",
                "/dashboard//etc/passwd",
                "//etc/passwd",
                "/dashboard/%2fetc%2fpasswd",
                "/dashboard/index.html%00.js",
                "/dashboard/%c0%ae%c0%ae/pom.xml",
                "/./health",
                "/api/../health",
                "/api/%2e%2e/health",
                "/dashboard/..",
                "/dashboard/%2e%2e");
        for (String t : targets) {
            String response = raw("GET " + t + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nConnection: close\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 404"), t + " -> " + firstLine(response));
            assertFalse(response.contains("<project"), t);
        }
        // Absolute-form targets are not served either.
        String abs = raw("GET http://127.0.0.1:" + server.port() + "/../pom.xml HTTP/1.1\r\nHost: 127.0.0.1:"
                + server.port() + "\r\nConnection: close\r\n\r\n");
        assertFalse(abs.startsWith("HTTP/1.1 200"), firstLine(abs));
        assertFalse(abs.contains("<project"));
        // The same through java.net.http (it sends the raw path).
        assertEquals(404, get("/../pom.xml").statusCode());
        assertEquals(404, get("/%2e%2e/pom.xml").statusCode());
        assertEquals(404, get("/dashboard/../../x").statusCode());
    }

    @Test
    void nonLoopbackHostHeaderIsRefusedWithoutToken() throws Exception {
        String evil = raw("GET /api/labels HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assertTrue(evil.startsWith("HTTP/1.1 403"), firstLine(evil));
        String local = raw("GET /health HTTP/1.1\r\nHost: localhost:" + server.port()
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(local.startsWith("HTTP/1.1 200"), firstLine(local));
        assertTrue(NeurowatchHttpServer.loopbackHost("[::1]:8080"));
        assertTrue(NeurowatchHttpServer.loopbackHost("127.0.0.1"));
        assertFalse(NeurowatchHttpServer.loopbackHost("127.0.0.1.evil.example"));
        assertFalse(NeurowatchHttpServer.loopbackHost("10.0.0.1:80"));
        assertFalse(NeurowatchHttpServer.loopbackHost(null));
    }

    @Test
    void remoteBindingRequiresAllowRemoteAndToken() {
        assertThrows(IllegalArgumentException.class, () -> NeurowatchHttpServer.builder().host("0.0.0.0").build());
        assertThrows(IllegalArgumentException.class,
                () -> NeurowatchHttpServer.builder().host("0.0.0.0").bearerToken("t0ken-abc").build());
        assertThrows(IllegalArgumentException.class,
                () -> NeurowatchHttpServer.builder().host("0.0.0.0").allowRemote(true).build());
        assertThrows(IllegalArgumentException.class,
                () -> NeurowatchHttpServer.builder().host("0.0.0.0").allowRemote(true).bearerToken("  ").build());
        assertThrows(IllegalArgumentException.class,
                () -> NeurowatchHttpServer.builder().allowRemote(true).build());
        assertThrows(IllegalArgumentException.class, () -> NeurowatchHttpServer.builder().port(70000).build());
        // Allowed combination (built, never started: the test binds loopback only).
        assertNotNull(NeurowatchHttpServer.builder().host("0.0.0.0").allowRemote(true).bearerToken("t0ken-abc")
                .build());
    }

    @Test
    void bearerTokenIsRequiredOnEveryRequest() throws Exception {
        try (NeurowatchHttpServer secured = NeurowatchHttpServer.builder().host("127.0.0.1").port(0)
                .allowRemote(true).bearerToken("s3cret-token-xyz").bindJvmMetrics(false)
                .labels(() -> List.of(L1)).build().start()) {
            for (String path : List.of("/health", "/api/labels", "/metrics", "/", "/nope")) {
                URI uri = URI.create("http://127.0.0.1:" + secured.port() + path);
                HttpResponse<String> none = client.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(401, none.statusCode(), path);
                assertEquals("unauthorized", JSON.readTree(none.body()).get("error").asText());
                assertTrue(none.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer"));
                for (String wrong : List.of("Bearer wrong", "Bearer s3cret-token-xy", "Bearer s3cret-token-xyzz",
                        "Basic czNjcmV0LXRva2VuLXh5eg==", "s3cret-token-xyz", "Bearer ")) {
                    HttpResponse<String> bad = client.send(HttpRequest.newBuilder(uri)
                            .header("Authorization", wrong).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(401, bad.statusCode(), path + " with " + wrong);
                }
            }
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + secured.port() + "/health"))
                    .header("Authorization", "Bearer s3cret-token-xyz").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            HttpResponse<String> labels = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + secured.port() + "/api/labels"))
                    .header("Authorization", "bearer s3cret-token-xyz").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, labels.statusCode());
            assertEquals(1, JSON.readTree(labels.body()).size());
            // With a token, the Host check gives way to the token (remote clients use other host names).
            String remoteHost = raw(secured.port(), "GET /health HTTP/1.1\r\nHost: neurowatch.example\r\n"
                    + "Authorization: Bearer s3cret-token-xyz\r\nConnection: close\r\n\r\n");
            assertTrue(remoteHost.startsWith("HTTP/1.1 200"), firstLine(remoteHost));
        }
    }

    @Test
    void portIsReportedAndServerCloses() throws Exception {
        int port = server.port();
        assertNotEquals(0, port);
        server.close();
        assertThrows(IllegalStateException.class, server::port);
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
    }

    private String raw(String request) throws IOException {
        return raw(server.port(), request);
    }

    private static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String firstLine(String response) {
        int i = response.indexOf('\r');
        return i < 0 ? response : response.substring(0, i);
    }
}
