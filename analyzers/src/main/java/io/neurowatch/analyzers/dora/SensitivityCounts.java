package io.neurowatch.analyzers.dora;

import java.util.Arrays;
import java.util.List;

/**
 * How many detectors exceed each sensitivity threshold (strictly, d &gt; t), the summary of the Mark-My-Words
 * protocol. Arrays are copied on construction and on access: immutable and thread-safe.
 *
 * @param thresholds ascending thresholds
 * @param counts detectors with sensitivity above each threshold
 * @param total the number of detectors counted
 * @throws IllegalArgumentException if the arrays differ in length
 */
public record SensitivityCounts(double[] thresholds, int[] counts, int total) {
    /** The protocol's thresholds. */
    public static final double[] DEFAULT_THRESHOLDS = {0.7, 0.8, 0.9, 0.95};

    public SensitivityCounts {
        if (thresholds.length != counts.length) {
            throw new IllegalArgumentException("thresholds and counts differ in length");
        }
        thresholds = thresholds.clone();
        counts = counts.clone();
    }

    /** Counts at 0.7 / 0.8 / 0.9 / 0.95. */
    public static SensitivityCounts of(List<DetectorScore> scores) {
        return of(scores, DEFAULT_THRESHOLDS);
    }

    /** @throws IllegalArgumentException if a threshold is NaN */
    public static SensitivityCounts of(List<DetectorScore> scores, double[] thresholds) {
        double[] t = thresholds.clone();
        for (double v : t) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("threshold is NaN");
            }
        }
        Arrays.sort(t);
        int[] counts = new int[t.length];
        for (DetectorScore s : scores) {
            for (int i = 0; i < t.length; i++) {
                if (s.sensitivity() > t[i]) {
                    counts[i]++;
                }
            }
        }
        return new SensitivityCounts(t, counts, scores.size());
    }

    @Override
    public double[] thresholds() {
        return thresholds.clone();
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    /** The count for one of the thresholds. @throws IllegalArgumentException if it is not one of them */
    public int countAbove(double threshold) {
        for (int i = 0; i < thresholds.length; i++) {
            if (thresholds[i] == threshold) {
                return counts[i];
            }
        }
        throw new IllegalArgumentException("no count for threshold " + threshold + "; have "
                + Arrays.toString(thresholds));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SensitivityCounts c && total == c.total && Arrays.equals(thresholds, c.thresholds)
                && Arrays.equals(counts, c.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts) * 31 + total;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("SensitivityCounts[");
        for (int i = 0; i < thresholds.length; i++) {
            b.append(i == 0 ? "" : ", ").append("d>").append(thresholds[i]).append(": ").append(counts[i]);
        }
        return b.append(" of ").append(total).append(']').toString();
    }
}
