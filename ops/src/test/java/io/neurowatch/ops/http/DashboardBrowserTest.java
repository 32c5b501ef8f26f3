package io.neurowatch.ops.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.analyzers.labels.NeuronKey;
import io.neurowatch.analyzers.labels.NeuronLabel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * The dashboard in a real headless Chromium: the label table fills from the API and a live alert arrives over
 * Server-Sent Events. Saves a screenshot to {@code ops/target/dashboard.png}. Needs Debian's chromium, which
 * {@code .ci/run} installs; the test says so and is skipped where it is absent.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path profile;

    @Test
    void labelTableFillsAndALiveAlertArrives() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "chromium not installed: .ci/run installs Debian's chromium for this test");
        List<NeuronLabel> labels = List.of(
                new NeuronLabel(new NeuronKey("demo-cnn", "pool", 0), "invert", "c3", "watermark", 0.97, 1e-40, 812,
                        20000, 0, "ok"),
                new NeuronLabel(new NeuronKey("demo-cnn", "pool", 1), "invert", "c1 & ~c2", "red & ~green", 0.91,
                        1e-20, 400, 20000, 0, "ok"));
        // A hot stream that keeps emitting, so the page receives an alert whenever it connects.
        Flux<String> alerts = Flux.interval(Duration.ofMillis(200))
                .map(i -> "{\"type\":\"artifact\",\"neuron\":\"demo-cnn/pool/0\",\"sample\":" + i + "}")
                .share();
        try (NeurowatchHttpServer http = NeurowatchHttpServer.builder().port(0).labels(() -> labels).alerts(alerts)
                .build().start()) {
            try (HeadlessChromium browser = HeadlessChromium.start(CHROMIUM, profile)) {
                browser.navigate("http://127.0.0.1:" + http.port() + "/");
                browser.awaitText("document.getElementById('labels').innerText", Duration.ofSeconds(30),
                        List.of("watermark", "red & ~green", "0.9700"));
                browser.awaitText("document.getElementById('alerts').innerText", Duration.ofSeconds(30),
                        List.of("demo-cnn/pool/0"));
                Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
                Files.createDirectories(shot.getParent());
                browser.screenshot(shot);
                byte[] png = Files.readAllBytes(shot);
                assertTrue(png.length > 10_000, "screenshot written: " + shot);
                assertEquals((byte) 0x89, png[0]);
                assertEquals('P', png[1]);
            }
        }
    }
}
