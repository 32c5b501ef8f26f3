package io.neurowatch.analyzers.invert;

import java.util.List;
import java.util.SortedMap;

/**
 * INVERT's answer for one feature (unit) of a layer.
 *
 * @param feature flattened feature index d
 * @param status {@code OK}; {@code CONSTANT} when every activation is equal (all AUROCs are 0.5 and the beam holds
 *     the first admissible atoms in stable order); {@code ERROR} when the feature could not be explained
 * @param explanations the final beam, best first (empty on error or when no atom is admissible)
 * @param states with {@code memorize_states}: the beam after every length, keyed 1..L; otherwise null
 * @param message why the feature failed, or null
 */
public record UnitResult(int feature, Status status, List<Explanation> explanations,
                         SortedMap<Integer, List<Explanation>> states, String message) {

    public enum Status { OK, CONSTANT, ERROR }

    public static UnitResult error(int feature, String message) {
        return new UnitResult(feature, Status.ERROR, List.of(), null, message);
    }

    /** The best explanation, if any. */
    public java.util.Optional<Explanation> best() {
        return explanations.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(explanations.get(0));
    }
}
