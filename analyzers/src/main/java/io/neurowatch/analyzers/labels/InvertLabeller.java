package io.neurowatch.analyzers.labels;

import io.neurowatch.analyzers.invert.ConceptIndex;
import io.neurowatch.analyzers.invert.Explanation;
import io.neurowatch.analyzers.invert.InvertExplainer;
import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.analyzers.invert.UnitResult;
import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.LabelMatrix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns an INVERT run over a window of one layer into per-neuron labels (the best explanation of each unit).
 * Blocking and CPU-bound: run it on a worker thread, never on a reactive one. Thread-safe (holds no state).
 */
public final class InvertLabeller {
    public static final String METHOD = "invert";

    private final InvertParams params;
    private final int threads;

    public InvertLabeller(InvertParams params, int threads) {
        this.params = params;
        this.threads = threads;
    }

    /**
     * @param window the layer's activations over the label window
     * @param labels the window's labels, row i describing window row i
     * @param concepts names of the label columns
     * @param nowMillis the time stamped on the labels
     */
    public List<NeuronLabel> label(String model, String layer, ActivationSource window, LabelMatrix labels,
                                   ConceptSet concepts, long nowMillis) throws IOException {
        InvertExplainer explainer = new InvertExplainer(new ConceptIndex(labels, concepts), params, 256, threads);
        List<NeuronLabel> out = new ArrayList<>(window.features());
        explainer.explain(window, InvertExplainer.allFeatures(window.features()),
                InvertExplainer.ProgressListener.NONE, r -> out.add(toLabel(model, layer, r, concepts,
                        window.rows(), nowMillis)));
        return out;
    }

    static NeuronLabel toLabel(String model, String layer, UnitResult r, ConceptSet concepts, long rows, long now) {
        NeuronKey key = new NeuronKey(model, layer, r.feature());
        String status = r.status().name().toLowerCase(Locale.ROOT);
        if (r.best().isEmpty()) {
            return new NeuronLabel(key, METHOD, "", "", Double.NaN, Double.NaN, 0, rows, now,
                    r.status() == UnitResult.Status.ERROR ? status : "unlabelled");
        }
        Explanation e = r.best().get();
        return new NeuronLabel(key, METHOD, e.canonical(), e.readable(concepts),
                e.auroc(), e.pValue(), e.support(), rows, now, status);
    }
}
