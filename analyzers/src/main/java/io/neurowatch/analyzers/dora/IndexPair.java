package io.neurowatch.analyzers.dora;

/**
 * Two neuron indices, {@code first ≤ second}. Immutable.
 *
 * @throws IllegalArgumentException if an index is negative or {@code first > second}
 */
public record IndexPair(int first, int second) {
    public IndexPair {
        if (first < 0 || first > second) {
            throw new IllegalArgumentException("need 0 <= first <= second, got (" + first + ", " + second + ")");
        }
    }
}
