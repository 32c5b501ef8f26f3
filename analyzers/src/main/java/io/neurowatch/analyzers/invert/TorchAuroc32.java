package io.neurowatch.analyzers.invert;

/**
 * The float32 AUROC exactly as the reference obtains it: torchmetrics 1.3.2 {@code binary_auroc} (exact mode) on
 * torch 1.13 CPU. Used only in {@code float32_compat} mode, where the reference's 1-ulp rounding differences decide
 * the order of near-tied formulas (spec invert.md §3.1-§3.2).
 *
 * <p>The ROC curve has one point per distinct score, from the highest down, starting at (0, 0):
 * {@code fpr = fl32(fp)/fl32(F)}, {@code tpr = fl32(tp)/fl32(P)}; the area is torch's trapezoid
 * {@code sum(fl32(dx · fl32(y_l + y_r))) / 2}, and the sum follows ATen's CPU cascade sum for contiguous float32 data:
 * 8-lane vector accumulators, 4 independent partial sums, 16-element cascade levels, the scalar tail first and the
 * lanes last. Exact for up to 32,768 distinct scores (above that torch may split the sum across threads).
 * Not thread-safe: holds scratch space.
 */
final class TorchAuroc32 {
    private static final int LANES = 8;
    private static final int ILP = 4;
    private static final int LEVELS = 4;

    private float[] terms = new float[0];

    /**
     * @param ranks the ranked scores (their tie groups are the curve's thresholds)
     * @param positives bitset of the positive samples
     * @param n number of positives
     */
    float auroc(Midranks ranks, long[] positives, int n) {
        int total = ranks.size();
        if (n <= 0 || n >= total) {
            return 0f;
        }
        int groups = ranks.groupCount();
        if (terms.length < groups) {
            terms = new float[groups];
        }
        int[] order = ranks.order();
        int[] start = ranks.groupStarts();
        float p = n;
        float f = total - n;
        int tp = 0;
        int fp = 0;
        float prevFpr = 0f;
        float prevTpr = 0f;
        int t = 0;
        for (int g = groups - 1; g >= 0; g--) {
            int end = g + 1 < groups ? start[g + 1] : total;
            for (int k = start[g]; k < end; k++) {
                int row = order[k];
                if ((positives[row >>> 6] & (1L << row)) != 0) {
                    tp++;
                } else {
                    fp++;
                }
            }
            float fpr = (float) fp / f;
            float tpr = (float) tp / p;
            float dx = fpr - prevFpr;
            float ysum = prevTpr + tpr;
            terms[t++] = dx * ysum;
            prevFpr = fpr;
            prevTpr = tpr;
        }
        return cascadeSum(terms, t) / 2f;
    }

    /** ATen's {@code cascade_sum} of a contiguous float32 vector, single-threaded. */
    static float cascadeSum(float[] x, int n) {
        if (n < LANES) {
            return scalarRowSum(x, n);
        }
        int vectors = n / LANES;
        float[] lanes = vectorRowSum(x, vectors);
        float acc = 0f;
        for (int k = vectors * LANES; k < n; k++) {
            acc += x[k];
        }
        for (int l = 0; l < LANES; l++) {
            acc += lanes[l];
        }
        return acc;
    }

    /** {@code row_sum} over {@code vectors} 8-lane vectors: 4 interleaved partial sums, then the leftovers. */
    private static float[] vectorRowSum(float[] x, int vectors) {
        int rows = vectors / ILP;
        float[][] partial = multiRowSum(x, rows, ILP * LANES, LANES);
        for (int v = rows * ILP; v < vectors; v++) {
            for (int l = 0; l < LANES; l++) {
                partial[0][l] += x[v * LANES + l];
            }
        }
        for (int k = 1; k < ILP; k++) {
            for (int l = 0; l < LANES; l++) {
                partial[0][l] += partial[k][l];
            }
        }
        return partial[0];
    }

    private static float scalarRowSum(float[] x, int n) {
        int rows = n / ILP;
        float[][] partial = multiRowSum(x, rows, ILP, 1);
        for (int i = rows * ILP; i < n; i++) {
            partial[0][0] += x[i];
        }
        for (int k = 1; k < ILP; k++) {
            partial[0][0] += partial[k][0];
        }
        return partial[0][0];
    }

    /**
     * {@code multi_row_sum} with 4 columns: element (row i, column k, lane l) is
     * {@code x[i·rowStride + k·lanes + l]}. Sums run in 4 cascade levels of {@code 2^levelPower} rows each so that
     * only partial sums of similar magnitude meet.
     */
    private static float[][] multiRowSum(float[] x, int rows, int rowStride, int lanes) {
        int levelPower = Math.max(4, ceilLog2(rows) / LEVELS);
        int levelStep = 1 << levelPower;
        int levelMask = levelStep - 1;
        float[][][] acc = new float[LEVELS][ILP][lanes];
        int i = 0;
        while (i + levelStep <= rows) {
            for (int j = 0; j < levelStep; j++, i++) {
                addRow(acc[0], x, i * rowStride, lanes);
            }
            for (int j = 1; j < LEVELS; j++) {
                for (int k = 0; k < ILP; k++) {
                    for (int l = 0; l < lanes; l++) {
                        acc[j][k][l] += acc[j - 1][k][l];
                        acc[j - 1][k][l] = 0f;
                    }
                }
                int mask = levelMask << (j * levelPower);
                if ((i & mask) != 0) {
                    break;
                }
            }
        }
        for (; i < rows; i++) {
            addRow(acc[0], x, i * rowStride, lanes);
        }
        for (int j = 1; j < LEVELS; j++) {
            for (int k = 0; k < ILP; k++) {
                for (int l = 0; l < lanes; l++) {
                    acc[0][k][l] += acc[j][k][l];
                }
            }
        }
        return acc[0];
    }

    private static void addRow(float[][] acc, float[] x, int base, int lanes) {
        for (int k = 0; k < ILP; k++) {
            for (int l = 0; l < lanes; l++) {
                acc[k][l] += x[base + k * lanes + l];
            }
        }
    }

    /** ATen's {@code CeilLog2}: 1 for x ≤ 2, else the bit width of x − 1. */
    private static int ceilLog2(int x) {
        if (x <= 2) {
            return 1;
        }
        return 32 - Integer.numberOfLeadingZeros(x - 1);
    }
}
