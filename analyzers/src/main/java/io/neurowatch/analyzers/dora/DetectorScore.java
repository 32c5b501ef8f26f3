package io.neurowatch.analyzers.dora;

/**
 * How well one neuron's activation separates artifact-bearing from clean probe samples (spec dora.md §3.7).
 * Immutable.
 *
 * @param neuron the neuron id
 * @param auroc AUROC of the activation as a score for "artifact present" (midranks, ties count ½)
 * @param sensitivity d = max(AUROC, 1 − AUROC): 0.5 for no signal, 1 for perfect separation in either direction
 */
public record DetectorScore(int neuron, double auroc, double sensitivity) {
    /** True when the neuron fires less, not more, on artifacts (AUROC below ½). */
    public boolean inverted() {
        return auroc < 0.5;
    }
}
