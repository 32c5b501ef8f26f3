package io.neurowatch.ops.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.analyzers.dora.Atlas;
import io.neurowatch.analyzers.dora.DoraAnalyzer;
import io.neurowatch.analyzers.dora.DoraParams;
import io.neurowatch.analyzers.dora.DoraResult;
import io.neurowatch.analyzers.dora.MeanEncodings;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.ops.config.Settings;
import io.neurowatch.ops.demo.DemoRun;
import io.neurowatch.ops.dora.DoraResultsJson;
import io.neurowatch.testkit.Requirement;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard during a real demo stream: what {@code neurowatch demo} assembles (embedded broker, streaming
 * analyzer, HTTP server) fed burst by burst, with an artifact detector on neuron 0 and a DORA result and a render in
 * the results directory. One test reads every API endpoint; the other drives a real headless Chromium (Debian's
 * {@code chromium}, installed by {@code .ci/run}; skipped where absent) through the pages: the neuron table fills
 * and sorts, a neuron page shows its histogram, history, top samples and render, the atlas answers hover and click,
 * and alerts arrive live over Server-Sent Events. Screenshots: {@code ops/target/dashboard.png},
 * {@code neuron.png}, {@code atlas.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int UNITS = 8;
    private static final int BURST = 1500;
    private static final String M = DemoRun.MODEL;
    private static final String L = DemoRun.LAYER;

    @TempDir
    static Path tmp;

    private DemoRun demo;
    private DoraResult dora;
    private String base;
    private int published;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    void startTheDemo() throws Exception {
        Path results = tmp.resolve("results");
        Path layerDir = Files.createDirectories(results.resolve(M).resolve(L).resolve("renders"));
        Random rnd = new Random(3);
        double[][] mean = new double[UNITS][UNITS];
        for (int a = 0; a < UNITS; a++) {
            for (int b = 0; b < UNITS; b++) {
                mean[a][b] = a == 5 ? (b == 5 ? 9 : 0.01) : 1 + 0.2 * rnd.nextDouble();
            }
        }
        dora = new DoraAnalyzer(DoraParams.defaults()).analyze(MeanEncodings.of(mean));
        DoraResultsJson.write(layerDir.getParent().resolve(AnalyzerHttp.DORA_FILE), dora, Map.of(),
                Atlas.of(dora, "demo"));
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillOval(8, 8, 48, 48);
        g.dispose();
        ImageIO.write(img, "png", layerDir.resolve("0.png").toFile());

        Settings settings = Settings.load(null, Map.of(), Map.of("http.port", "0",
                "dashboard.results-dir", results.toString(), "alerts.detectors", M + "/" + L + "/0",
                "alerts.min-samples", "300", "alerts.percentile", "0.98"));
        demo = DemoRun.start(tmp.resolve("run"), new DemoRun.Stream(4 * BURST, 12, UNITS, 7), settings, s -> { });
        base = "http://127.0.0.1:" + demo.http().port();
        publishBurst();
        demo.analyzer().labelNow(Duration.ofSeconds(60));
    }

    @AfterAll
    void stopTheDemo() {
        if (demo != null) {
            demo.close();
        }
    }

    /** The next burst of the stream, waited for until the analyzer has archived it. */
    private void publishBurst() throws Exception {
        demo.publish(published, published + BURST);
        published += BURST;
        assertTrue(demo.awaitSamples(published, Duration.ofSeconds(60)), "analyzer archived " + published);
    }

    private JsonNode api(String path) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void everyEndpointAnswersFromTheLiveStream() throws Exception {
        JsonNode layer = api("/api/models").get("models").get(0).get("layers").get(0);
        assertEquals(L, layer.get("layer").asText());
        assertEquals(DemoRun.VERSION, layer.get("version").asText());
        assertEquals(UNITS, layer.get("features").asInt());
        assertTrue(layer.get("samples").asLong() >= BURST);
        assertFalse(layer.get("last_batch").isNull());
        assertTrue(layer.get("atlas").asBoolean());

        JsonNode rows = api("/api/layers/" + M + "/" + L + "/neurons").get("neurons");
        assertEquals(UNITS, rows.size());
        for (JsonNode r : rows) {
            assertFalse(r.get("invert").isNull(), "every neuron is labelled: " + r);
            assertTrue(r.get("quantiles").get("p5").asDouble() <= r.get("quantiles").get("p99").asDouble());
            assertEquals(layer.get("samples").asLong(), r.get("samples").asLong());
            assertEquals(dora.outlier()[r.get("neuron").asInt()], r.get("dora").get("outlier").asBoolean());
        }

        JsonNode n0 = api("/api/neurons/" + M + "/" + L + "/0");
        long total = StreamSupport.stream(n0.get("histogram").get("counts").spliterator(), false)
                .mapToLong(JsonNode::asLong).sum();
        assertEquals(n0.get("samples").asLong(), total, "the histogram holds every retained sample");
        assertEquals(10, n0.get("top_samples").size());
        assertEquals("/api/renders/" + M + "/" + L + "/0.png", n0.get("renders").get(0).asText());
        assertFalse(n0.get("history").isEmpty(), "the first label is a label change");

        assertEquals(dora.scored().length, api("/api/atlas/" + M + "/" + L).get("points").size());
        HttpResponse<byte[]> png = client.send(HttpRequest.newBuilder(URI.create(base + "/api/renders/" + M + "/"
                + L + "/0.png")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("image/png", png.headers().firstValue("content-type").orElse(""));
        assertEquals('P', png.body()[1]);

        List<String> types = StreamSupport.stream(api("/api/alerts?limit=500").spliterator(), false)
                .map(a -> a.get("type").asText()).distinct().toList();
        assertTrue(types.contains("label_changed"), types.toString());

        String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String m : List.of("neurowatch_rocksdb_live_data_bytes", "neurowatch_rocksdb_sst_files_bytes",
                "neurowatch_rocksdb_memtables_bytes", "neurowatch_rocksdb_block_cache_bytes",
                "neurowatch_rocksdb_keys", "neurowatch_archive_bytes", "neurowatch_label_run_seconds_count")) {
            assertTrue(metrics.contains(m), m);
        }
        System.gc(); // the gauges must survive a collection
        metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertFalse(metrics.contains("neurowatch_rocksdb_memtables_bytes NaN"), "the store is open");
    }

    @Test
    void pagesFillDuringTheStreamAndAlertsArriveLive() throws Exception {
        Requirement.CHROMIUM.require();
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        try (HeadlessChromium browser = HeadlessChromium.start(CHROMIUM, tmp.resolve("profile"))) {
            browser.navigate(base + "/#/layer/" + M + "/" + L);
            browser.awaitText("document.getElementById('status').innerText", Duration.ofSeconds(30),
                    List.of("live"));
            // Connected: everything published from now on reaches the page only over the event stream.
            browser.evaluate("window.sseBefore = document.querySelectorAll('#alerts li.alert-artifact').length");
            publishBurst();
            browser.awaitText("String(document.querySelectorAll('#alerts li.alert-artifact').length"
                    + " > window.sseBefore)", Duration.ofSeconds(30), List.of("true"));
            browser.awaitText("document.getElementById('alerts').innerText", Duration.ofSeconds(10),
                    List.of("ARTIFACT", M + "/" + L + "/0: sample", "LABEL"));

            // The burst triggered a label run; once it is done nothing changes, so the table can be checked exactly.
            demo.analyzer().labelNow(Duration.ofSeconds(60));
            browser.navigate(base + "/?reload#/layer/" + M + "/" + L);
            NeuronLabel label0 = invertLabel(0);
            String table = browser.awaitText("document.getElementById('neurons').innerText", Duration.ofSeconds(30),
                    List.of(label0.readable(), "outlier"));
            assertEquals(String.valueOf(UNITS),
                    browser.evaluate("String(document.querySelectorAll('#neurons tbody tr').length)"), table);
            // Sorting: a click on AUROC puts the worst-scoring neuron first, a second click the best.
            browser.evaluate("document.querySelector('#neurons th[data-key=auroc]').click()");
            assertEquals(String.valueOf(neuronWithScore(false)), firstRowNeuron(browser),
                    () -> demo.analyzer().currentLabels() + "\n" + evaluateQuietly(browser,
                            "document.getElementById('neurons').innerText"));
            browser.evaluate("document.querySelector('#neurons th[data-key=auroc]').click()");
            assertEquals(String.valueOf(neuronWithScore(true)), firstRowNeuron(browser));
            // Filtering: only outliers.
            browser.evaluate("const c = document.getElementById('outliers-only'); c.checked = true;"
                    + " c.dispatchEvent(new Event('change'))");
            assertEquals(String.valueOf(dora.outliers().length),
                    browser.evaluate("String(document.querySelectorAll('#neurons tbody tr').length)"));
            browser.screenshot(target.resolve("dashboard.png"));

            browser.evaluate("location.hash = '#/neuron/" + M + "/" + L + "/0'");
            browser.awaitText("document.getElementById('page').innerText", Duration.ofSeconds(30),
                    List.of("neuron 0", "Activation histogram", "Label history", label0.readable(), "sample "));
            int bars = Integer.parseInt(browser.evaluate(
                    "String(document.querySelectorAll('#histogram rect.bar').length)"));
            assertTrue(bars >= 10, "histogram bars: " + bars);
            assertTrue(browser.evaluate("document.getElementById('history').innerText").contains("(new)"),
                    "the first label appears as a drift event from nothing");
            browser.awaitText("String(document.querySelector('#renders img').naturalWidth)", Duration.ofSeconds(10),
                    List.of("64"));
            browser.screenshot(target.resolve("neuron.png"));

            browser.evaluate("location.hash = '#/atlas/" + M + "/" + L + "'");
            browser.awaitText("String(document.querySelectorAll('#atlas circle').length)", Duration.ofSeconds(30),
                    List.of(String.valueOf(dora.scored().length)));
            int outlier = dora.outliers()[0];
            String circle = "document.querySelector('#atlas circle[data-neuron=\"" + outlier + "\"]')";
            assertEquals("point outlier", browser.evaluate(circle + ".getAttribute('class')"));
            browser.evaluate(circle + ".dispatchEvent(new MouseEvent('mouseenter'))");
            assertTrue(browser.evaluate("document.getElementById('atlas-tip').innerText")
                    .startsWith("neuron " + outlier + " · nof "), "hover names the neuron and its nof");
            browser.screenshot(target.resolve("atlas.png"));
            browser.evaluate(circle + ".dispatchEvent(new MouseEvent('click'))");
            browser.awaitText("location.hash + ' ' + document.getElementById('page').innerText",
                    Duration.ofSeconds(30), List.of("#/neuron/" + M + "/" + L + "/" + outlier,
                            "neuron " + outlier, "outlier"));
        }
        for (String shot : List.of("dashboard.png", "neuron.png", "atlas.png")) {
            byte[] png = Files.readAllBytes(target.resolve(shot));
            assertTrue(png.length > 10_000 && png[1] == 'P', shot);
        }
    }

    private NeuronLabel invertLabel(int neuron) {
        NeuronLabel found = null;
        for (NeuronLabel l : demo.analyzer().currentLabels()) {
            if (l.method().equals("invert") && l.neuron().neuron() == neuron) {
                found = l;
            }
        }
        assertNotNull(found, "neuron " + neuron + " is labelled");
        return found;
    }

    /** The neuron with the highest (or lowest) AUROC, ties to the lowest id, as the table sorts. */
    private int neuronWithScore(boolean highest) {
        int best = -1;
        for (int n = 0; n < UNITS; n++) {
            double s = invertLabel(n).score();
            if (best < 0 || (highest ? s > invertLabel(best).score() : s < invertLabel(best).score())) {
                best = n;
            }
        }
        return best;
    }

    private static String evaluateQuietly(HeadlessChromium browser, String expression) {
        try {
            return browser.evaluate(expression);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String firstRowNeuron(HeadlessChromium browser) throws Exception {
        return browser.evaluate("document.querySelector('#neurons tbody tr').getAttribute('data-neuron')");
    }
}
