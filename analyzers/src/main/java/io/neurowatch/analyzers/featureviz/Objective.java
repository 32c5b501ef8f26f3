package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A loss to MINIMISE for one image (spec §3.8). It receives the tapped layer outputs of that image alone, each with
 * a batch dimension of 1, and returns a scalar. To maximise an activation, return its negative, as the factories in
 * {@link Objectives} do. Any differentiable NDArray expression works, so a lambda is a user-written objective.
 */
@FunctionalInterface
public interface Objective {
    NDArray loss(NDList layers);

    /** A short human-readable name, used in captions and file names. */
    default String label() {
        return "objective";
    }

    /** The same loss under another label. */
    default Objective labelled(String label) {
        Objective self = this;
        return new Objective() {
            @Override
            public NDArray loss(NDList layers) {
                return self.loss(layers);
            }

            @Override
            public String label() {
                return label;
            }
        };
    }

    /** Sign flip: minimises what this maximises. */
    default Objective negate() {
        return Objectives.weightedSum(new double[] {-1}, this).labelled("min " + label());
    }

    default Objective times(double weight) {
        return Objectives.weightedSum(new double[] {weight}, this);
    }

    default Objective plus(Objective other) {
        return Objectives.sum(this, other);
    }
}
