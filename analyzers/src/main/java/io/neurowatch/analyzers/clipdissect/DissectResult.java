package io.neurowatch.analyzers.clipdissect;

import java.util.List;
import java.util.Optional;

/**
 * CLIP-Dissect's description of one unit. Immutable.
 *
 * @param unit feature index of the unit in the activation table
 * @param status {@link NeuronStatus#OK} when labelled; otherwise {@code best} is null (except for dead units in
 *     reference-compatible mode, which get the reference's label)
 * @param best the highest-scoring concept (ties: lowest index), or null
 * @param alternatives the runners-up in descending score order (ties: lowest index), at most the configured count;
 *     empty when there is no label
 * @param topSamples indices of the highest-activating probe images, best first (ties: lowest index)
 * @param message why there is no label, or null
 */
public record DissectResult(int unit, NeuronStatus status, ConceptScore best, List<ConceptScore> alternatives,
                            int[] topSamples, String message) {

    public DissectResult {
        alternatives = List.copyOf(alternatives);
        topSamples = topSamples.clone();
    }

    /** A result without a label. */
    static DissectResult unlabelled(int unit, NeuronStatus status, int[] topSamples, String message) {
        return new DissectResult(unit, status, null, List.of(), topSamples, message);
    }

    /** A copy of the top sample indices. */
    @Override
    public int[] topSamples() {
        return topSamples.clone();
    }

    /** The label, if the unit has one. */
    public Optional<ConceptScore> label() {
        return Optional.ofNullable(best);
    }
}
