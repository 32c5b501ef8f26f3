package io.neurowatch.analyzers.clipdissect;

import java.util.List;

/**
 * Everything one CLIP-Dissect run produces.
 *
 * @param params the parameters used
 * @param concepts the concept list, position = similarity column
 * @param results one result per unit, in unit order
 * @param scores sim [K, M]: row {@code r} belongs to {@code results.get(r)}; rows of units without scores (dead,
 *     insufficient data, error) are all NaN. Shared, not copied: do not modify it
 */
public record DissectOutput(DissectParams params, List<String> concepts, List<DissectResult> results,
                            double[][] scores) {

    public DissectOutput {
        concepts = List.copyOf(concepts);
        results = List.copyOf(results);
    }

    /** The label index per result (−1 where there is none), for comparisons with reference argmax lists. */
    public int[] argmax() {
        int[] out = new int[results.size()];
        for (int i = 0; i < out.length; i++) {
            ConceptScore b = results.get(i).best();
            out[i] = b == null ? -1 : b.index();
        }
        return out;
    }
}
