package io.neurowatch.analyzers.dora;

import io.neurowatch.analyzers.invert.Auroc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Flagged neurons used as artifact detectors (spec dora.md §3.7, the Mark-My-Words protocol): the score of a sample
 * is the neuron's spatially averaged activation; its quality on a labelled probe set is the midrank AUROC (the INVERT
 * routine, ties ½) and the sensitivity d = max(AUC, 1 − AUC). Stateless and thread-safe.
 */
public final class ArtifactDetectors {
    private ArtifactDetectors() {
    }

    /**
     * Sample indices by descending activation (ties: lower index first): the top holds the samples most likely to
     * carry the neuron's artifact.
     *
     * @throws IllegalArgumentException if an activation is NaN
     */
    public static int[] rankSamples(double[] activations) {
        for (int i = 0; i < activations.length; i++) {
            if (Double.isNaN(activations[i])) {
                throw new IllegalArgumentException("activation of sample " + i + " is NaN");
            }
        }
        Integer[] idx = new Integer[activations.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> activations[a] > activations[b] ? -1 : activations[a] < activations[b] ? 1
                : Integer.compare(a, b));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /**
     * @param artifact true for the artifact-stamped samples; both classes must occur
     * @throws IllegalArgumentException if the lengths differ, a class is missing, or an activation is not finite
     */
    public static DetectorScore score(int neuron, double[] activations, boolean[] artifact) {
        if (activations.length != artifact.length) {
            throw new IllegalArgumentException("neuron " + neuron + ": " + activations.length
                    + " activations but " + artifact.length + " labels");
        }
        int positives = 0;
        for (int i = 0; i < activations.length; i++) {
            if (!Double.isFinite(activations[i])) {
                throw new IllegalArgumentException("neuron " + neuron + ": activation of sample " + i + " is "
                        + activations[i]);
            }
            positives += artifact[i] ? 1 : 0;
        }
        if (positives == 0 || positives == artifact.length) {
            // The INVERT routine's AUROC of 0 for a one-class labelling would read as a perfect inverted detector.
            throw new IllegalArgumentException("the probe set needs both clean and artifact samples, got "
                    + positives + " artifact of " + artifact.length);
        }
        double auc = Auroc.of(activations, artifact);
        return new DetectorScore(neuron, auc, Math.max(auc, 1 - auc));
    }

    /**
     * Scores every neuron. @param activations [neuron][sample], row i belonging to neuron {@code neurons[i]}
     *
     * @throws IllegalArgumentException as {@link #score}, or if {@code neurons} and {@code activations} differ in
     *     length
     */
    public static List<DetectorScore> scoreAll(int[] neurons, double[][] activations, boolean[] artifact) {
        if (neurons.length != activations.length) {
            throw new IllegalArgumentException(neurons.length + " neuron ids but " + activations.length
                    + " activation rows");
        }
        List<DetectorScore> out = new ArrayList<>(neurons.length);
        for (int i = 0; i < neurons.length; i++) {
            out.add(score(neurons[i], activations[i], artifact));
        }
        return out;
    }
}
