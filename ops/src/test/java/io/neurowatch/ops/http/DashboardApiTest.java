package io.neurowatch.ops.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.ops.http.DashboardData.AtlasPoint;
import io.neurowatch.ops.http.DashboardData.ClipDissectLabel;
import io.neurowatch.ops.http.DashboardData.DoraScore;
import io.neurowatch.ops.http.DashboardData.Histogram;
import io.neurowatch.ops.http.DashboardData.InvertLabel;
import io.neurowatch.ops.http.DashboardData.LabelEvent;
import io.neurowatch.ops.http.DashboardData.LayerInfo;
import io.neurowatch.ops.http.DashboardData.NeuronDetail;
import io.neurowatch.ops.http.DashboardData.NeuronRow;
import io.neurowatch.ops.http.DashboardData.Quantiles;
import io.neurowatch.ops.http.DashboardData.TopSample;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Sinks;

/** Every dashboard endpoint against a running server, through a real HTTP client (and raw sockets for paths). */
@Timeout(60)
class DashboardApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Sinks.Many<String> alerts = Sinks.many().multicast().directBestEffort();
    private final AtomicBoolean failing = new AtomicBoolean();
    private Path root;
    private byte[] png;
    private NeurowatchHttpServer server;

    /** A layer m/pool of 3 neurons with every source filled, and an empty layer m/fc. */
    private final DashboardData data = new DashboardData() {
        @Override
        public List<LayerInfo> layers() {
            if (failing.get()) {
                throw new IllegalStateException("store exploded");
            }
            return List.of(new LayerInfo("m", "v7", "fc", 2, 0, null, false),
                    new LayerInfo("m", "v7", "pool", 3, 1000, 1795000000000L, true));
        }

        @Override
        public Optional<List<NeuronRow>> neurons(String model, String layer) {
            if (!model.equals("m") || !layer.equals("pool")) {
                return Optional.empty();
            }
            List<NeuronRow> rows = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                rows.add(row(n));
            }
            return Optional.of(rows);
        }

        @Override
        public Optional<NeuronDetail> neuron(String model, String layer, int neuron) {
            if (!model.equals("m") || !layer.equals("pool") || neuron >= 3) {
                return Optional.empty();
            }
            return Optional.of(new NeuronDetail(model, layer, row(neuron),
                    List.of(new LabelEvent(1, "invert", null, "sky", 0.8, "ok"),
                            new LabelEvent(2, "invert", "sky", "sky | water", 0.9, "ok")),
                    new Histogram(new double[] {0, 1, 2}, new long[] {700, 300}),
                    List.of(new TopSample(42, 1.99), new TopSample(7, 1.5)),
                    List.of(RenderDirectory.url(model, layer, neuron + ".png"))));
        }

        @Override
        public Optional<List<AtlasPoint>> atlas(String model, String layer) {
            return model.equals("m") && layer.equals("pool")
                    ? Optional.of(List.of(new AtlasPoint(0, 0.1, -0.2, -1.0, false),
                            new AtlasPoint(1, 0.9, 0.8, -2.5, true)))
                    : Optional.empty();
        }
    };

    private static NeuronRow row(int n) {
        return new NeuronRow(n, n == 2 ? null : new InvertLabel("c1", "sky", 0.95, 1e-30, "ok", 5),
                n == 0 ? new ClipDissectLabel("cloud", 0.31, "ok") : null,
                new DoraScore(n == 1 ? -2.5 : Double.NaN, n == 1), new Quantiles(0, 0.5, 1.5, 1.9), 1000);
    }

    @BeforeEach
    void start() throws Exception {
        root = tmp.resolve("results");
        Path renders = Files.createDirectories(root.resolve("m/pool/renders"));
        ImageIO.write(new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB), "png", renders.resolve("1.png").toFile());
        png = Files.readAllBytes(renders.resolve("1.png"));
        Files.write(renders.resolve("1_0+.png"), png);
        Files.writeString(renders.resolve("2.png"), "<svg onload=alert(1)>"); // not a PNG: never served
        // Outside the root: a PNG reached through a file link and through a directory link.
        Path outside = Files.createDirectories(tmp.resolve("outside/pool/renders"));
        Files.write(outside.resolve("1.png"), png);
        Files.createSymbolicLink(renders.resolve("3.png"), outside.resolve("1.png"));
        Files.createSymbolicLink(root.resolve("escape"), tmp.resolve("outside"));
        server = NeurowatchHttpServer.builder().port(0).bindJvmMetrics(false).data(data)
                .renders(new RenderDirectory(root)).alerts(alerts.asFlux()).build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""), path);
        return JSON.readTree(r.body());
    }

    @Test
    void modelsGroupLayersUnderTheirModel() throws Exception {
        JsonNode models = json("/api/models").get("models");
        assertEquals(1, models.size());
        JsonNode m = models.get(0);
        assertEquals("m", m.get("model").asText());
        assertEquals("v7", m.get("version").asText());
        assertEquals(2, m.get("layers").size());
        JsonNode fc = m.get("layers").get(0);
        assertEquals("fc", fc.get("layer").asText());
        assertTrue(fc.get("last_batch").isNull());
        JsonNode pool = m.get("layers").get(1);
        assertEquals(3, pool.get("features").asInt());
        assertEquals(1000, pool.get("samples").asLong());
        assertEquals(1795000000000L, pool.get("last_batch").asLong());
        assertTrue(pool.get("atlas").asBoolean());
    }

    @Test
    void neuronTableHasEveryColumnAndNullsWhereASourceHasNothing() throws Exception {
        JsonNode t = json("/api/layers/m/pool/neurons");
        assertEquals("m", t.get("model").asText());
        JsonNode rows = t.get("neurons");
        assertEquals(3, rows.size());
        JsonNode r0 = rows.get(0);
        assertEquals("sky", r0.get("invert").get("readable").asText());
        assertEquals(0.95, r0.get("invert").get("auroc").asDouble());
        assertEquals(1e-30, r0.get("invert").get("p_value").asDouble());
        assertEquals("cloud", r0.get("clip_dissect").get("concept").asText());
        assertTrue(r0.get("dora").get("nof").isNull(), "NaN is written as null");
        assertFalse(r0.get("dora").get("outlier").asBoolean());
        assertEquals(1.5, r0.get("quantiles").get("p95").asDouble());
        assertEquals(1000, r0.get("samples").asLong());
        assertTrue(rows.get(1).get("dora").get("outlier").asBoolean());
        assertTrue(rows.get(1).get("clip_dissect").isNull());
        assertTrue(rows.get(2).get("invert").isNull());

        assertEquals(404, get("/api/layers/m/nope/neurons").statusCode());
        assertEquals(404, get("/api/layers/m/pool").statusCode());
        assertEquals(404, get("/api/layers/m/pool/neurons/x").statusCode());
    }

    @Test
    void neuronDetailHasHistoryHistogramTopSamplesAndRenders() throws Exception {
        JsonNode n = json("/api/neurons/m/pool/1");
        assertEquals(1, n.get("neuron").asInt());
        assertEquals(-2.5, n.get("dora").get("nof").asDouble());
        JsonNode h = n.get("history");
        assertEquals(2, h.size());
        assertTrue(h.get(0).get("previous").isNull());
        assertEquals("sky", h.get(1).get("previous").asText());
        assertEquals("sky | water", h.get(1).get("current").asText());
        assertEquals(List.of(0.0, 1.0, 2.0), doubles(n.get("histogram").get("edges")));
        assertEquals(List.of(700.0, 300.0), doubles(n.get("histogram").get("counts")));
        assertEquals(42, n.get("top_samples").get(0).get("sample_id").asLong());
        assertEquals("/api/renders/m/pool/1.png", n.get("renders").get(0).asText());

        for (String bad : List.of("3", "99", "-1", "1.5", "abc", "1e2", "0x1", "99999999999")) {
            assertEquals(404, get("/api/neurons/m/pool/" + bad).statusCode(), bad);
        }
        assertEquals(404, get("/api/neurons/x/pool/0").statusCode());
    }

    @Test
    void atlasHasPointsWithOutliers() throws Exception {
        JsonNode a = json("/api/atlas/m/pool");
        JsonNode pts = a.get("points");
        assertEquals(2, pts.size());
        assertEquals(1, pts.get(1).get("neuron").asInt());
        assertEquals(0.9, pts.get(1).get("x").asDouble());
        assertEquals(-2.5, pts.get(1).get("nof").asDouble());
        assertTrue(pts.get(1).get("outlier").asBoolean());
        assertEquals(404, get("/api/atlas/m/fc").statusCode());
    }

    @Test
    void recentAlertsNewestFirstWithALimit() throws Exception {
        assertEquals(0, json("/api/alerts").size());
        alerts.tryEmitNext("{\"type\":\"artifact\",\"sample_id\":1}");
        alerts.tryEmitNext("not json");
        alerts.tryEmitNext("{\"type\":\"infected_neuron\",\"neuron\":4}");
        JsonNode all = json("/api/alerts");
        assertEquals(3, all.size());
        assertEquals("infected_neuron", all.get(0).get("type").asText());
        assertEquals("unknown", all.get(1).get("type").asText());
        assertEquals("not json", all.get(1).get("raw").asText());
        assertEquals("artifact", all.get(2).get("type").asText());
        JsonNode two = json("/api/alerts?limit=2");
        assertEquals(2, two.size());
        assertEquals("infected_neuron", two.get(0).get("type").asText());
        for (String bad : List.of("0", "-3", "x")) {
            HttpResponse<String> r = get("/api/alerts?limit=" + bad);
            assertEquals(400, r.statusCode(), bad);
            assertTrue(JSON.readTree(r.body()).get("error").asText().contains("limit"));
        }
    }

    @Test
    void rendersAreServedOnlyAsPngsFromInsideTheResultsDirectory() throws Exception {
        HttpResponse<byte[]> ok = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/renders/m/pool/1.png")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, ok.statusCode());
        assertEquals("image/png", ok.headers().firstValue("content-type").orElse(""));
        assertArrayEquals(png, ok.body());
        assertEquals(200, get("/api/renders/m/pool/1_0%2B.png").statusCode(), "tagged render, '+' escaped");

        List<String> refused = List.of(
                "/api/renders/m/pool/2.png",                  // not a PNG
                "/api/renders/m/pool/3.png",                  // link to a file outside the root
                "/api/renders/escape/pool/1.png",             // through a directory link outside the root
                "/api/renders/m/pool/4.png",                  // missing
                "/api/renders/m/pool/1.PNG",
                "/api/renders/m/pool/1.png.txt",
                "/api/renders/m/pool/.png",
                "/api/renders/m/pool/renders",
                "/api/renders/m/pool/..%2f..%2f..%2foutside%2fpool%2frenders%2f1.png",
                "/api/renders/m/pool/%2e%2e",
                "/api/renders/%2e%2e/pool/1.png",
                "/api/renders/m/%2e%2e/1.png",
                "/api/renders/m/..%5cpool/1.png",
                "/api/renders/.m/pool/1.png",
                "/api/renders/m/pool/1.png%00",
                "/api/renders/m/pool",
                "/api/renders/m/pool/renders/1.png");
        for (String t : refused) {
            String response = raw("GET " + t + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nConnection: close\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 404"), t + " -> " + response.lines().findFirst().orElse(""));
            assertFalse(response.contains("PNG"), t);
            assertFalse(response.contains("<svg"), t);
        }
    }

    @Test
    void noRendersWithoutAResultsDirectory() throws Exception {
        server.close();
        server = NeurowatchHttpServer.builder().port(0).bindJvmMetrics(false).data(data).build().start();
        assertEquals(404, get("/api/renders/m/pool/1.png").statusCode());
        assertEquals(200, get("/api/models").statusCode());
    }

    @Test
    void onlyGetAndFailuresAreInternalErrors() throws Exception {
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.port() + "/api/models")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        failing.set(true);
        HttpResponse<String> r = get("/api/models");
        assertEquals(500, r.statusCode());
        assertEquals("internal error", JSON.readTree(r.body()).get("error").asText());
        assertFalse(r.body().contains("exploded"), "details stay in the log");
    }

    @Test
    void emptyServerAnswersEmptyModelsAndNotFound() throws Exception {
        server.close();
        server = NeurowatchHttpServer.builder().port(0).bindJvmMetrics(false).build().start();
        assertEquals(0, json("/api/models").get("models").size());
        assertEquals(404, get("/api/layers/m/pool/neurons").statusCode());
        assertEquals(404, get("/api/neurons/m/pool/0").statusCode());
        assertEquals(404, get("/api/atlas/m/pool").statusCode());
    }

    private static List<Double> doubles(JsonNode a) {
        List<Double> out = new ArrayList<>();
        a.forEach(v -> out.add(v.asDouble()));
        return out;
    }

    private String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
