package io.neurowatch.core.state;

/**
 * A streaming estimate of one neuron's AUROC for one concept: the probability that the activation of a random
 * positive sample exceeds that of a random negative one, ties counting one half (the Mann-Whitney statistic over
 * {@code positives * negatives}).
 *
 * <p>The estimate comes from binned counts, so it is exact up to pairs that share a bin: the exact AUROC lies in
 * {@code [auroc - errorBound, auroc + errorBound]} deterministically (not with some probability). See
 * {@link ConceptHistogram#auroc()}.
 *
 * @param auroc the estimate, in [0, 1]; NaN if there are no positives or no negatives
 * @param errorBound half the fraction of positive-negative pairs that share an interval bin; NaN with auroc
 * @param positives positive samples counted (non-NaN activations only)
 * @param negatives negative samples counted (non-NaN activations only)
 */
public record AurocEstimate(double auroc, double errorBound, long positives, long negatives) {

    /** Whether both classes were seen, so that {@link #auroc()} is a number. */
    public boolean defined() {
        return positives > 0 && negatives > 0;
    }

    /** Lower end of the guaranteed interval, clamped to 0; NaN if undefined. */
    public double lower() {
        return Math.max(0.0, auroc - errorBound);
    }

    /** Upper end of the guaranteed interval, clamped to 1; NaN if undefined. */
    public double upper() {
        return Math.min(1.0, auroc + errorBound);
    }
}
