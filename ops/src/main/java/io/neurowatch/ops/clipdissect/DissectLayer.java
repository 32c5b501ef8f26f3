package io.neurowatch.ops.clipdissect;

import io.neurowatch.analyzers.clipdissect.DissectOutput;
import io.neurowatch.analyzers.clipdissect.DissectResult;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard shows of a layer's CLIP-Dissect run: each unit's description. Immutable.
 *
 * @param units description by unit (feature index); units the run did not cover are absent
 */
public record DissectLayer(Map<Integer, Description> units) {
    public DissectLayer {
        units = Map.copyOf(units);
    }

    /**
     * @param concept the best concept, or null when the unit has none
     * @param score its similarity score, NaN when undefined
     * @param status {@code ok} or why there is no label
     */
    public record Description(String concept, double score, String status) {
    }

    /** From an in-process run. */
    public static DissectLayer of(DissectOutput output) {
        Map<Integer, Description> m = new TreeMap<>();
        for (DissectResult r : output.results()) {
            m.put(r.unit(), new Description(r.best() == null ? null : r.best().concept(),
                    r.best() == null ? Double.NaN : r.best().score(), r.status().wireName()));
        }
        return new DissectLayer(m);
    }
}
