package io.neurowatch.core.state;

import java.util.Arrays;

/** Exact Mann-Whitney AUROC with midranks (ties count ½), the reference the binned estimate is checked against. */
final class ExactAuroc {
    private ExactAuroc() {
    }

    static double of(double[] positives, double[] negatives) {
        int p = positives.length;
        int n = negatives.length;
        double[][] all = new double[p + n][];
        for (int i = 0; i < p; i++) {
            all[i] = new double[] {positives[i], 1};
        }
        for (int i = 0; i < n; i++) {
            all[p + i] = new double[] {negatives[i], 0};
        }
        Arrays.sort(all, (a, b) -> Double.compare(a[0], b[0]));
        double positiveRankSum = 0;
        for (int i = 0; i < all.length; ) {
            int j = i;
            while (j < all.length && all[j][0] == all[i][0]) {
                j++;
            }
            double midrank = (i + 1 + j) / 2.0; // ranks i+1..j share their mean
            for (int k = i; k < j; k++) {
                if (all[k][1] == 1) {
                    positiveRankSum += midrank;
                }
            }
            i = j;
        }
        return (positiveRankSum - p * (p + 1) / 2.0) / ((double) p * n);
    }
}
