package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The common objectives (spec §3.8). All of them address a layer by its position in the {@link LayerFunction}'s
 * output list and read batch element 0 (objectives see one image at a time).
 */
public final class Objectives {
    private Objectives() {
    }

    /**
     * −mean(out[0, c]) over the remaining (spatial) dimensions; for a [1, K] output this is −out[0, c].
     */
    public static Objective channel(int layer, int channel) {
        return of("layer " + layer + " ch " + channel, layers -> at(layers, layer).get(new NDIndex(0, channel))
                .mean().neg());
    }

    /** −out[0, c, y, x]. */
    public static Objective unit(int layer, int channel, int y, int x) {
        return of("layer " + layer + " unit " + channel + "@" + y + "," + x,
                layers -> at(layers, layer).get(new NDIndex(0, channel, y, x)).neg());
    }

    /** −mean(out) over the whole layer. */
    public static Objective layerMean(int layer) {
        return of("layer " + layer + " mean", layers -> at(layers, layer).mean().neg());
    }

    /** torch-dreams' default: −Σ over all tapped layers of mean(out). */
    public static Objective allLayersMean() {
        return of("all layers mean", layers -> {
            NDArray sum = null;
            for (NDArray out : layers) {
                NDArray m = out.mean();
                sum = sum == null ? m : sum.add(m);
            }
            if (sum == null) {
                throw new IllegalArgumentException("the model returned no layers");
            }
            return sum.neg();
        });
    }

    /** −logit k, raw (no softmax); the layer is [1, K]. */
    public static Objective logit(int layer, int k) {
        return of("layer " + layer + " logit " + k, layers -> {
            NDArray out = at(layers, layer);
            if (out.getShape().dimension() != 2) {
                throw new IllegalArgumentException("logits must be [1, K], layer " + layer + " is " + out.getShape());
            }
            return out.get(new NDIndex(0, k)).neg();
        });
    }

    /** Minimisation of what {@code objective} maximises (a sign flip). */
    public static Objective minimise(Objective objective) {
        return objective.negate();
    }

    /** Σ wᵢ·fᵢ ("channel algebra"). */
    public static Objective weightedSum(double[] weights, Objective... objectives) {
        if (weights.length != objectives.length || objectives.length == 0) {
            throw new IllegalArgumentException("need one weight per objective, got " + weights.length + " and "
                    + objectives.length);
        }
        StringJoiner label = new StringJoiner(" + ");
        for (int i = 0; i < objectives.length; i++) {
            label.add((weights[i] == 1 ? "" : weights[i] + "·") + objectives[i].label());
        }
        double[] w = weights.clone();
        Objective[] parts = objectives.clone();
        return of(label.toString(), layers -> {
            NDArray sum = null;
            for (int i = 0; i < parts.length; i++) {
                NDArray term = parts[i].loss(layers);
                if (w[i] != 1) {
                    term = term.mul(Tensors.number(term, w[i]));
                }
                sum = sum == null ? term : sum.add(term);
            }
            return sum;
        });
    }

    public static Objective sum(Objective... objectives) {
        double[] ones = new double[objectives.length];
        Arrays.fill(ones, 1);
        return weightedSum(ones, objectives);
    }

    /** A user-written objective with a label. */
    public static Objective of(String label, Objective loss) {
        return loss.labelled(label);
    }

    static NDArray at(NDList layers, int layer) {
        if (layer < 0 || layer >= layers.size()) {
            throw new IndexOutOfBoundsException("layer " + layer + " requested, the model returned " + layers.size());
        }
        return layers.get(layer);
    }
}
