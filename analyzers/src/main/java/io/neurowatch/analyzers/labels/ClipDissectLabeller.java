package io.neurowatch.analyzers.labels;

import io.neurowatch.analyzers.clipdissect.ClipDissector;
import io.neurowatch.analyzers.clipdissect.DissectOutput;
import io.neurowatch.analyzers.clipdissect.DissectParams;
import io.neurowatch.analyzers.clipdissect.DissectResult;
import io.neurowatch.analyzers.clipdissect.NeuronStatus;
import io.neurowatch.analyzers.clipdissect.StreamingTopK;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIP-Dissect descriptions of a layer from its streaming top-k state, as labels next to INVERT's: label and
 * readable = the best concept, score = its similarity score. The whole layer is scored at once (the prior is a
 * layer-wide quantity).
 */
public final class ClipDissectLabeller {
    public static final String METHOD = "clip-dissect";

    private final ClipDissector dissector;

    public ClipDissectLabeller(DissectParams params, int threads) {
        this.dissector = new ClipDissector(params, threads);
    }

    /**
     * @param concepts names of the similarity columns
     * @throws IllegalArgumentException if {@code concepts} does not match the snapshot's width
     */
    public List<NeuronLabel> label(String model, String layer, StreamingTopK.Snapshot snapshot,
                                   List<String> concepts, long nowMillis) {
        DissectOutput out = dissector.dissect(snapshot.similarity(), snapshot.units(), concepts);
        List<NeuronLabel> labels = new ArrayList<>(out.results().size());
        for (DissectResult r : out.results()) {
            NeuronKey key = new NeuronKey(model, layer, r.unit());
            if (r.status() != NeuronStatus.OK || r.best() == null) {
                labels.add(new NeuronLabel(key, METHOD, "", "", Double.NaN, Double.NaN, 0, snapshot.seen(),
                        nowMillis, r.status().wireName()));
            } else {
                labels.add(new NeuronLabel(key, METHOD, r.best().concept(), r.best().concept(), r.best().score(),
                        Double.NaN, 0, snapshot.seen(), nowMillis, "ok"));
            }
        }
        return labels;
    }
}
