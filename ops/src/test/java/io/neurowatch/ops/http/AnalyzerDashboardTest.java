package io.neurowatch.ops.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.analyzers.dora.Atlas;
import io.neurowatch.analyzers.dora.DoraAnalyzer;
import io.neurowatch.analyzers.dora.DoraParams;
import io.neurowatch.analyzers.dora.DoraResult;
import io.neurowatch.analyzers.dora.MeanEncodings;
import io.neurowatch.analyzers.labels.LabelChange;
import io.neurowatch.analyzers.labels.NeuronKey;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.core.state.LayerBatch;
import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.StatisticsStore;
import io.neurowatch.core.state.StatisticsStoreConfig;
import io.neurowatch.core.state.StatisticsUpdate;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.ops.clipdissect.DissectResultsJson;
import io.neurowatch.ops.dora.DoraLayer;
import io.neurowatch.ops.dora.DoraResultsJson;
import io.neurowatch.ops.http.DashboardData.AtlasPoint;
import io.neurowatch.ops.http.DashboardData.LayerInfo;
import io.neurowatch.ops.http.DashboardData.NeuronDetail;
import io.neurowatch.ops.http.DashboardData.NeuronRow;
import io.neurowatch.ops.stream.LabelJson;
import io.neurowatch.ops.stream.LayerActivity;
import io.neurowatch.ops.stream.StatisticsView;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Sinks;

/**
 * The adapter over the analyzer's parts (a real RocksDB statistics store, layer activity, label table, event
 * stream) and the results directory (a {@code dora.json} written by {@link DoraResultsJson}, a
 * {@code clip-dissect.json}, a render).
 */
class AnalyzerDashboardTest {
    private static final int N = 2000;
    private static final int D = 6;

    @TempDir
    Path tmp;

    private StatisticsStore store;
    private final AtomicReference<StatisticsStore> storeRef = new AtomicReference<>();
    private final LayerActivity activity = new LayerActivity(5);
    private final List<NeuronLabel> labels = new CopyOnWriteArrayList<>();
    private final Sinks.Many<String> events = Sinks.many().multicast().directBestEffort();
    private float[][] acts;
    private DoraResult dora;
    private AnalyzerDashboard data;
    private LayerResults<DoraLayer> doraResults;

    @BeforeEach
    void setUp() throws Exception {
        Random rnd = new Random(5);
        acts = new float[N][D];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                acts[i][j] = (float) Math.max(0, rnd.nextGaussian() + j * 0.5); // ReLU, shifted per neuron
            }
        }
        store = StatisticsStore.open(tmp.resolve("state"), StatisticsStoreConfig.defaults());
        storeRef.set(store);
        store.apply(StatisticsUpdate.of(LayerBatch.of("m", "pool", 1_795_000_000_000L, acts)),
                List.of(new SourceOffset("t", 0, 0)));
        float[] flat = new float[N * D];
        long[] ids = new long[N];
        for (int i = 0; i < N; i++) {
            System.arraycopy(acts[i], 0, flat, i * D, D);
            ids[i] = 1000 + i;
        }
        activity.record(ActivationBatch.of("m", "v2", "pool", ids, D, flat), acts, 1_795_000_000_123L);

        // A DORA result in which one neuron answers unlike the rest.
        double[][] mean = new double[D][D];
        for (int a = 0; a < D; a++) {
            for (int b = 0; b < D; b++) {
                mean[a][b] = a == 4 ? (b == 0 ? 5 : 0.01) : 1 + 0.1 * rnd.nextDouble();
            }
        }
        dora = new DoraAnalyzer(DoraParams.defaults()).analyze(MeanEncodings.of(mean));
        Path layerDir = Files.createDirectories(tmp.resolve("results/m/pool/renders"));
        DoraResultsJson.write(layerDir.getParent().resolve(AnalyzerHttp.DORA_FILE), dora, Map.of(),
                Atlas.of(dora, "t"));
        Files.writeString(layerDir.getParent().resolve(AnalyzerHttp.CLIP_DISSECT_FILE), """
                {"results": [{"unit": 1, "concept": "stripes", "score": 0.4, "status": "ok"},
                             {"unit": 2, "concept": "grass", "score": 0.3, "status": "ok"},
                             {"unit": 3, "concept": null, "score": null, "status": "dead"}]}""");
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", layerDir.resolve("3.png").toFile());
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png",
                layerDir.resolve("3_0+.png").toFile());

        Path results = tmp.resolve("results");
        doraResults = new LayerResults<>(results, AnalyzerHttp.DORA_FILE, DoraResultsJson::readLayer);
        data = new AnalyzerDashboard(() -> labels, () -> StatisticsView.of(storeRef.get()), activity, events.asFlux(), doraResults,
                new LayerResults<>(results, AnalyzerHttp.CLIP_DISSECT_FILE, DissectResultsJson::readLayer),
                new RenderDirectory(results));
        labels.add(label(0, "invert", "c1", "sky", 0.91));
        labels.add(label(2, "clip-dissect", "grass field", "grass field", 0.5));
    }

    @AfterEach
    void tearDown() {
        data.close();
        store.close();
    }

    private static NeuronLabel label(int neuron, String method, String label, String readable, double score) {
        return new NeuronLabel(new NeuronKey("m", "pool", neuron), method, label, readable, score, 1e-9, 10, N,
                1_795_000_000_500L, "ok");
    }

    @Test
    void layersJoinStatisticsActivityAndResults() {
        List<LayerInfo> layers = data.layers();
        assertEquals(1, layers.size());
        LayerInfo l = layers.get(0);
        assertEquals(new LayerInfo("m", "v2", "pool", D, N, 1_795_000_000_123L, true), l);
    }

    @Test
    void neuronRowsCombineEverySource() {
        List<NeuronRow> rows = data.neurons("m", "pool").orElseThrow();
        assertEquals(D, rows.size());
        NeuronRow r0 = rows.get(0);
        assertEquals("sky", r0.invert().readable());
        assertEquals(0.91, r0.invert().auroc());
        assertNull(r0.clipDissect(), "neither streamed nor in clip-dissect.json");
        assertEquals("stripes", rows.get(1).clipDissect().concept(), "from clip-dissect.json");
        assertEquals("grass field", rows.get(2).clipDissect().concept(), "a streamed description wins over the file");
        assertNull(rows.get(3).clipDissect().concept());
        assertEquals("dead", rows.get(3).clipDissect().status());
        double[] nof = dora.negativeOutlierFactor();
        boolean[] flags = dora.outlier();
        assertTrue(dora.outliers().length > 0, "LOF flags someone: " + dora);
        for (int n = 0; n < D; n++) {
            assertEquals(nof[n], rows.get(n).dora().nof(), 0.0, "nof of " + n);
            assertEquals(flags[n], rows.get(n).dora().outlier());
            assertEquals(N, rows.get(n).samples());
            double[] q = store.quantiles("m", "pool", n, 0.05, 0.5, 0.95, 0.99);
            assertEquals(q[1], rows.get(n).quantiles().p50());
            assertEquals(q[3], rows.get(n).quantiles().p99());
        }
        assertTrue(rows.get(5).quantiles().p50() > rows.get(0).quantiles().p50(), "shifted neurons differ");
        assertTrue(data.neurons("m", "nope").isEmpty());
        assertTrue(data.neurons("nope", "pool").isEmpty());
    }

    @Test
    void neuronDetailHasHistogramTopSamplesRendersAndHistory() throws Exception {
        LabelChange first = new LabelChange(null, label(3, "invert", "c1", "sky", 0.7));
        LabelChange second = new LabelChange(first.current(), label(3, "invert", "c1 | c2", "sky | water", 0.8));
        events.tryEmitNext(new String(LabelJson.encode(first), StandardCharsets.UTF_8));
        events.tryEmitNext("{\"type\":\"artifact\",\"model\":\"m\",\"layer\":\"pool\",\"neuron\":3}");
        events.tryEmitNext(new String(LabelJson.encode(second), StandardCharsets.UTF_8));

        NeuronDetail d = data.neuron("m", "pool", 3).orElseThrow();
        assertEquals(2, d.history().size(), "label changes only, in order");
        assertNull(d.history().get(0).previous());
        assertEquals("sky", d.history().get(1).previous());
        assertEquals("sky | water", d.history().get(1).current());
        assertEquals(List.of("/api/renders/m/pool/3.png", "/api/renders/m/pool/3_0+.png"), d.renders());

        assertEquals(N, Arrays.stream(d.histogram().counts()).sum());
        double[] edges = d.histogram().edges();
        float[] column = new float[N];
        for (int i = 0; i < N; i++) {
            column[i] = acts[i][3];
        }
        float max = column[0];
        for (float v : column) {
            max = Math.max(max, v);
        }
        assertEquals(max, edges[edges.length - 1], 0.0, "the histogram ends at the exact maximum");

        List<Integer> best = IntStream.range(0, N).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -column[i]).thenComparing(i -> i)).limit(5).toList();
        List<Long> top = d.topSamples().stream().map(DashboardData.TopSample::sampleId).toList();
        assertEquals(best.stream().map(i -> 1000L + i).toList(), top);

        assertTrue(data.neuron("m", "pool", D).isEmpty());
        assertTrue(data.neuron("m", "pool", -1).isEmpty());
    }

    @Test
    void atlasFollowsTheResultAndInProcessResultsWin() {
        List<AtlasPoint> points = data.atlas("m", "pool").orElseThrow();
        assertArrayEquals(dora.scored(), points.stream().mapToInt(AtlasPoint::neuron).toArray());
        int flagged = dora.outliers()[0];
        AtlasPoint p = points.stream().filter(x -> x.neuron() == flagged).findFirst().orElseThrow();
        assertTrue(p.outlier());
        assertEquals(dora.negativeOutlierFactor()[flagged], p.nof());
        assertTrue(data.atlas("m", "fc").isEmpty());

        doraResults.put("m", "pool", new DoraLayer(new double[D], new boolean[D], new int[] {1}, new double[] {0},
                new double[] {0}));
        assertEquals(1, data.atlas("m", "pool").orElseThrow().size());
        assertFalse(data.neurons("m", "pool").orElseThrow().get(flagged).dora().outlier());
    }

    @Test
    void infectedNeuronEventsFillTheDoraColumnWithoutAResult() {
        labels.add(new NeuronLabel(new NeuronKey("m2", "conv", 7), "invert", "c1", "sky", 0.6, 0.01, 3, 10, 0,
                "ok"));
        events.tryEmitNext("{\"type\":\"infected_neuron\",\"model\":\"m2\",\"layer\":\"conv\",\"neuron\":7,"
                + "\"nof\":-3.25,\"rank\":0}");
        List<NeuronRow> rows = data.neurons("m2", "conv").orElseThrow();
        assertEquals(8, rows.size(), "D from the labels when nothing else knows the layer");
        assertTrue(rows.get(7).dora().outlier());
        assertEquals(-3.25, rows.get(7).dora().nof());
        assertNull(rows.get(6).dora());
        assertNull(rows.get(7).quantiles(), "no statistics for the layer");
    }

    @Test
    void aClosedOrAbsentStoreLeavesTheRestReadable() {
        store.close();
        assertEquals(1, data.layers().size());
        NeuronRow r0 = data.neurons("m", "pool").orElseThrow().get(0);
        assertNull(r0.quantiles());
        assertEquals("sky", r0.invert().readable());
        storeRef.set(null);
        assertNull(data.neuron("m", "pool", 0).orElseThrow().histogram());
        List<Long> sizes = new ArrayList<>();
        data.layers().forEach(l -> sizes.add(l.samples()));
        assertEquals(List.of((long) N), sizes, "samples from the activity when the store is gone");
    }
}
