package io.neurowatch.ops.http;

import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.core.state.NeuronSketch;
import io.neurowatch.ops.clipdissect.DissectLayer;
import io.neurowatch.ops.dora.DoraLayer;
import io.neurowatch.ops.stream.Analyzer;
import io.neurowatch.ops.stream.LayerActivity;
import io.neurowatch.ops.stream.StatisticsView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/**
 * The dashboard's data read from a running streaming analyzer: labels from its label table, counts, quantiles and
 * histograms from its statistics store, version, last batch and top samples from its layer activity, label
 * history from its event stream, and DORA and CLIP-Dissect results and renders from their registries. The
 * statistics store is optional at every call (null before the analyzer starts and after it closes).
 */
public final class AnalyzerDashboard implements DashboardData, AutoCloseable {
    static final int HISTOGRAM_BINS = 30;
    static final int HISTORY_PER_NEURON = 50;
    private static final String INVERT = "invert";
    private static final String CLIP_DISSECT = "clip-dissect";

    private final Supplier<? extends List<NeuronLabel>> labels;
    private final Supplier<StatisticsView> statistics;
    private final LayerActivity activity;
    private final LayerResults<DoraLayer> dora;
    private final LayerResults<DissectLayer> clipDissect;
    private final RenderDirectory renders;
    private final LabelHistory history;
    private final InfectedNeurons infected;

    /**
     * @param events label-change events ({@code label_changed} JSON; others are ignored), hot
     */
    public AnalyzerDashboard(Supplier<? extends List<NeuronLabel>> labels, Supplier<StatisticsView> statistics,
                             LayerActivity activity, Flux<String> events, LayerResults<DoraLayer> dora,
                             LayerResults<DissectLayer> clipDissect, RenderDirectory renders) {
        this.labels = labels;
        this.statistics = statistics;
        this.activity = activity;
        this.dora = dora;
        this.clipDissect = clipDissect;
        this.renders = renders;
        this.history = new LabelHistory(events, HISTORY_PER_NEURON);
        this.infected = new InfectedNeurons(events);
    }

    /** Over an analyzer (started or not): its labels, statistics, activity and events. */
    public static AnalyzerDashboard of(Analyzer analyzer, LayerResults<DoraLayer> dora,
                                       LayerResults<DissectLayer> clipDissect, RenderDirectory renders) {
        return new AnalyzerDashboard(analyzer::currentLabels, analyzer::statistics, analyzer.activity(),
                analyzer.events(), dora, clipDissect, renders);
    }

    @Override
    public List<LayerInfo> layers() {
        Map<String, LayerInfo> out = new TreeMap<>();
        Map<String, LayerActivity.Seen> seen = new HashMap<>();
        for (LayerActivity.Seen s : activity.layers()) {
            seen.put(key(s.model(), s.layer()), s);
        }
        Map<String, Integer> labelled = new HashMap<>();
        for (NeuronLabel l : labels.get()) {
            labelled.merge(key(l.neuron().model(), l.neuron().layer()), l.neuron().neuron() + 1, Math::max);
        }
        StatisticsView stats = statistics.get();
        Map<String, String[]> names = new HashMap<>();
        if (stats != null) {
            try {
                for (String m : stats.models()) {
                    for (String l : stats.layers(m)) {
                        names.put(key(m, l), new String[] {m, l});
                    }
                }
            } catch (IllegalStateException closed) {
                stats = null;
            }
        }
        seen.values().forEach(s -> names.put(key(s.model(), s.layer()), new String[] {s.model(), s.layer()}));
        for (NeuronLabel l : labels.get()) {
            names.putIfAbsent(key(l.neuron().model(), l.neuron().layer()),
                    new String[] {l.neuron().model(), l.neuron().layer()});
        }
        for (Map.Entry<String, String[]> e : names.entrySet()) {
            String model = e.getValue()[0];
            String layer = e.getValue()[1];
            LayerActivity.Seen s = seen.get(e.getKey());
            int features = Math.max(s == null ? 0 : s.features(), labelled.getOrDefault(e.getKey(), 0));
            long samples = s == null ? 0 : s.samples();
            StatisticsView st = stats;
            if (st != null) {
                try {
                    List<Integer> neurons = st.neurons(model, layer);
                    features = Math.max(features, neurons.size());
                    if (!neurons.isEmpty()) {
                        samples = st.count(model, layer, neurons.get(0));
                    }
                } catch (IllegalStateException closed) {
                    // keep what the activity says
                }
            }
            out.put(model + "\u0000" + layer, new LayerInfo(model, s == null ? null : s.version(), layer, features,
                    samples, s == null ? null : s.lastBatchMillis(), dora.get(model, layer).isPresent()));
        }
        return new ArrayList<>(out.values());
    }

    @Override
    public Optional<List<NeuronRow>> neurons(String model, String layer) {
        int d = features(model, layer);
        if (d == 0) {
            return Optional.empty();
        }
        Map<Integer, NeuronLabel> invert = new HashMap<>();
        Map<Integer, NeuronLabel> dissect = new HashMap<>();
        labelsOf(model, layer, invert, dissect);
        DoraLayer doraLayer = dora.get(model, layer).orElse(null);
        DissectLayer dissectLayer = clipDissect.get(model, layer).orElse(null);
        double[] nof = doraLayer == null ? null : doraLayer.nof();
        boolean[] flags = doraLayer == null ? null : doraLayer.outlier();
        StatisticsView stats = statistics.get();
        List<NeuronRow> rows = new ArrayList<>(d);
        for (int n = 0; n < d; n++) {
            rows.add(row(n, invert.get(n), dissect.get(n), dora(model, layer, n, nof, flags), dissectLayer,
                    sketch(stats, model, layer, n)));
        }
        return Optional.of(rows);
    }

    @Override
    public Optional<NeuronDetail> neuron(String model, String layer, int neuron) {
        if (neuron < 0 || neuron >= features(model, layer)) {
            return Optional.empty();
        }
        Map<Integer, NeuronLabel> invert = new HashMap<>();
        Map<Integer, NeuronLabel> dissect = new HashMap<>();
        labelsOf(model, layer, invert, dissect);
        NeuronSketch sketch = sketch(statistics.get(), model, layer, neuron);
        DoraLayer doraLayer = dora.get(model, layer).orElse(null);
        NeuronRow row = row(neuron, invert.get(neuron), dissect.get(neuron), dora(model, layer, neuron,
                doraLayer == null ? null : doraLayer.nof(), doraLayer == null ? null : doraLayer.outlier()),
                clipDissect.get(model, layer).orElse(null), sketch);
        List<TopSample> top = new ArrayList<>();
        for (LayerActivity.TopSample t : activity.top(model, layer, neuron)) {
            top.add(new TopSample(t.sampleId(), t.activation()));
        }
        List<String> urls = renders.list(model, layer, neuron).stream()
                .map(f -> RenderDirectory.url(model, layer, f)).toList();
        return Optional.of(new NeuronDetail(model, layer, row, history.of(model, layer, neuron),
                sketch == null ? null : SketchHistogram.of(sketch, HISTOGRAM_BINS), top, urls));
    }

    @Override
    public Optional<List<AtlasPoint>> atlas(String model, String layer) {
        return dora.get(model, layer).map(r -> {
            int[] ids = r.atlasNeurons();
            double[] x = r.x();
            double[] y = r.y();
            double[] nof = r.nof();
            boolean[] flags = r.outlier();
            List<AtlasPoint> points = new ArrayList<>(ids.length);
            for (int i = 0; i < ids.length; i++) {
                points.add(new AtlasPoint(ids[i], x[i], y[i], nof[ids[i]], flags[ids[i]]));
            }
            points.sort(Comparator.comparingInt(AtlasPoint::neuron));
            return points;
        });
    }

    @Override
    public void close() {
        history.close();
        infected.close();
    }

    /** A full DORA result of the layer if there is one, else what the analyzer reported as infected, else null. */
    private DoraScore dora(String model, String layer, int n, double[] nof, boolean[] flags) {
        if (nof != null) {
            return n < nof.length ? new DoraScore(nof[n], flags[n]) : null;
        }
        Double reported = infected.nof(model, layer, n);
        return reported == null ? null : new DoraScore(reported, true);
    }

    /** D of a layer, from whichever source knows it; 0 if none does. */
    private int features(String model, String layer) {
        int d = 0;
        for (LayerActivity.Seen s : activity.layers()) {
            if (s.model().equals(model) && s.layer().equals(layer)) {
                d = s.features();
            }
        }
        StatisticsView stats = statistics.get();
        if (stats != null) {
            try {
                if (stats.layers(model).contains(layer)) {
                    d = Math.max(d, stats.neurons(model, layer).size());
                }
            } catch (IllegalStateException | IllegalArgumentException e) {
                // closed, or a name the store could never hold
            }
        }
        for (NeuronLabel l : labels.get()) {
            if (l.neuron().model().equals(model) && l.neuron().layer().equals(layer)) {
                d = Math.max(d, l.neuron().neuron() + 1);
            }
        }
        return d;
    }

    private void labelsOf(String model, String layer, Map<Integer, NeuronLabel> invert,
                          Map<Integer, NeuronLabel> dissect) {
        for (NeuronLabel l : labels.get()) {
            if (l.neuron().model().equals(model) && l.neuron().layer().equals(layer)) {
                if (l.method().equals(INVERT)) {
                    invert.put(l.neuron().neuron(), l);
                } else if (l.method().equals(CLIP_DISSECT)) {
                    dissect.put(l.neuron().neuron(), l);
                }
            }
        }
    }

    private static NeuronSketch sketch(StatisticsView stats, String model, String layer, int neuron) {
        if (stats == null) {
            return null;
        }
        try {
            NeuronSketch s = stats.sketch(model, layer, neuron);
            return s == null || s.count() == 0 ? null : s;
        } catch (IllegalStateException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * @param dissectLayer a CLIP-Dissect run's descriptions, used when no label was streamed, or null
     */
    private static NeuronRow row(int n, NeuronLabel inv, NeuronLabel streamed, DoraScore doraScore,
                                 DissectLayer dissectLayer, NeuronSketch sketch) {
        InvertLabel invertLabel = inv == null ? null : new InvertLabel(inv.label(), inv.readable(), inv.score(),
                inv.pValue(), inv.status(), inv.computedAtMillis());
        ClipDissectLabel clip = null;
        if (streamed != null) {
            clip = new ClipDissectLabel(streamed.label().isEmpty() ? null : streamed.readable(), streamed.score(),
                    streamed.status());
        } else if (dissectLayer != null && dissectLayer.units().containsKey(n)) {
            DissectLayer.Description d = dissectLayer.units().get(n);
            clip = new ClipDissectLabel(d.concept(), d.score(), d.status());
        }
        Quantiles q = null;
        long samples = 0;
        if (sketch != null) {
            double[] v = sketch.quantiles(0.05, 0.5, 0.95, 0.99);
            q = new Quantiles(v[0], v[1], v[2], v[3]);
            samples = sketch.count();
        }
        return new NeuronRow(n, invertLabel, clip, doraScore, q, samples);
    }

    private static String key(String model, String layer) {
        return model + "/" + layer;
    }
}
