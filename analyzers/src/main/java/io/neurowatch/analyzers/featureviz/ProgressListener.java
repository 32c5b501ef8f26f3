package io.neurowatch.analyzers.featureviz;

/** Called after every optimisation step of a render. */
@FunctionalInterface
public interface ProgressListener {
    /**
     * @param step 1-based step just completed
     * @param total number of steps
     * @param loss the summed loss of the batch at that step (on the transformed images)
     */
    void onStep(int step, int total, double loss);
}
