package io.neurowatch.ops.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurowatch.ops.clipdissect.DissectLayer;
import io.neurowatch.ops.clipdissect.DissectResultsJson;
import io.neurowatch.ops.dora.DoraLayer;
import io.neurowatch.ops.dora.DoraResultsJson;
import io.neurowatch.ops.stream.Analyzer;
import io.neurowatch.ops.stream.RocksDbMetrics;
import java.util.List;

/**
 * The HTTP server of a running analyzer, as {@code serve} and {@code demo} run it: dashboard data over the
 * analyzer, DORA and CLIP-Dissect results and renders from the results directory, the analyzer's events as the
 * alert stream, readiness from its failure state, and its RocksDB figures on {@code /metrics}.
 */
public final class AnalyzerHttp implements AutoCloseable {
    /** File names in {@code <results-dir>/<model>/<layer>/} (docs/http.md). */
    public static final String DORA_FILE = "dora.json";
    public static final String CLIP_DISSECT_FILE = "clip-dissect.json";

    private final NeurowatchHttpServer server;
    private final AnalyzerDashboard data;
    private final LayerResults<DoraLayer> dora;
    private final LayerResults<DissectLayer> clipDissect;

    private AnalyzerHttp(NeurowatchHttpServer server, AnalyzerDashboard data, LayerResults<DoraLayer> dora,
                         LayerResults<DissectLayer> clipDissect) {
        this.server = server;
        this.data = data;
        this.dora = dora;
        this.clipDissect = clipDissect;
    }

    /**
     * Builds and starts the server; before {@link Analyzer#start(String)}, so that the analyzer can advertise the
     * bound port to its group.
     *
     * @throws IllegalArgumentException if the settings break the security rules (docs/http.md)
     */
    public static AnalyzerHttp start(Analyzer analyzer, PrometheusMeterRegistry registry, HttpSettings s) {
        LayerResults<DoraLayer> dora = new LayerResults<>(s.resultsDir(), DORA_FILE, DoraResultsJson::readLayer);
        LayerResults<DissectLayer> clip = new LayerResults<>(s.resultsDir(), CLIP_DISSECT_FILE,
                DissectResultsJson::readLayer);
        RenderDirectory renders = new RenderDirectory(s.resultsDir());
        AnalyzerDashboard data = AnalyzerDashboard.of(analyzer, dora, clip, renders);
        try {
            NeurowatchHttpServer server = NeurowatchHttpServer.builder().host(s.host()).port(s.port())
                    .allowRemote(s.allowRemote()).bearerToken(s.token()).registry(registry)
                    .readiness(() -> analyzer.failure() == null ? Readiness.up()
                            : Readiness.notReady(String.valueOf(analyzer.failure())))
                    .labels(analyzer::currentLabels).alerts(analyzer.events()).data(data).renders(renders)
                    .group(new GroupView() {
                        @Override
                        public java.util.Optional<java.net.URI> ownerOf(String model, String layer) {
                            return analyzer.ownerOf(model, layer).map(h -> java.net.URI.create("http://" + h + "/"));
                        }

                        @Override
                        public List<java.net.URI> peers() {
                            return analyzer.peers().stream().map(h -> java.net.URI.create("http://" + h + "/"))
                                    .toList();
                        }
                    })
                    .build().start();
            RocksDbMetrics.bind(registry, analyzer::statisticsStores);
            analyzer.onDoraResult(r -> publishDora(r, dora, s.resultsDir()));
            return new AnalyzerHttp(server, data, dora, clip);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /**
     * An in-process DORA run on the dashboard: its scores and atlas, and its s-AMS copied next to the renders of the
     * results directory (when there is one) so neuron pages show them.
     */
    private static void publishDora(io.neurowatch.ops.stream.DoraReport r, LayerResults<DoraLayer> dora,
                                    java.nio.file.Path resultsDir) {
        var result = r.outcome().result();
        dora.put(r.model(), r.layer(), DoraLayer.of(result, io.neurowatch.analyzers.dora.Atlas.of(result,
                "DORA " + r.model() + "@" + r.version() + " " + r.layer())));
        if (resultsDir == null) {
            return;
        }
        var signals = r.outcome().signals();
        java.nio.file.Path target = resultsDir.resolve(r.model()).resolve(r.layer()).resolve("renders");
        try {
            java.nio.file.Files.createDirectories(target);
            for (var task : signals.tasks()) {
                java.nio.file.Path png = signals.png(task);
                if (java.nio.file.Files.exists(png)) {
                    java.nio.file.Files.copy(png, target.resolve(png.getFileName()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (java.io.IOException e) {
            org.slf4j.LoggerFactory.getLogger(AnalyzerHttp.class).warn("s-AMS of {}/{} not copied to {}: {}",
                    r.model(), r.layer(), target, e.getMessage());
        }
    }

    public int port() {
        return server.port();
    }

    /** Where in-process DORA runs publish their results (they then win over {@code dora.json} files). */
    public LayerResults<DoraLayer> dora() {
        return dora;
    }

    /** Where in-process CLIP-Dissect runs publish their results. */
    public LayerResults<DissectLayer> clipDissect() {
        return clipDissect;
    }

    @Override
    public void close() {
        server.close();
        data.close();
    }
}
