package io.neurowatch.analyzers.clipdissect;

/**
 * The best concepts of one score row: descending score, ties by lower concept index (torch.max returns the first
 * maximal index). NaN ranks below every number; in torch mode a row containing NaN instead has the first NaN as its
 * best entry, as torch.max propagates NaN (an all-NaN row, a dead unit under cos_similarity, gets concept 0: quirk
 * C7). Stateless.
 */
final class ConceptRanking {
    private ConceptRanking() {
    }

    /**
     * The indices of the {@code count} best concepts, best first; fewer if the row is shorter. O(M·count).
     *
     * @param torchNan put the first NaN first, as the reference's argmax does
     */
    static int[] top(double[] row, int count, boolean torchNan) {
        int want = Math.min(count, row.length);
        int[] best = new int[want];
        int size = 0;
        int firstNan = -1;
        for (int c = 0; c < row.length; c++) {
            if (torchNan && firstNan < 0 && Double.isNaN(row[c])) {
                firstNan = c;
                continue;
            }
            if (size < want) {
                best[size++] = c;
                bubbleUp(best, size - 1, row);
            } else if (want > 0 && better(c, best[want - 1], row)) {
                best[want - 1] = c;
                bubbleUp(best, want - 1, row);
            }
        }
        if (firstNan < 0) {
            return best;
        }
        int[] out = new int[want];
        out[0] = firstNan;
        System.arraycopy(best, 0, out, 1, Math.min(size, want - 1));
        return out;
    }

    /** True if concept a ranks above concept b. */
    private static boolean better(int a, int b, double[] row) {
        double x = row[a];
        double y = row[b];
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return !Double.isNaN(x) || (Double.isNaN(y) && a < b);
        }
        return x > y || (x == y && a < b);
    }

    private static void bubbleUp(int[] best, int pos, double[] row) {
        while (pos > 0 && better(best[pos], best[pos - 1], row)) {
            int t = best[pos];
            best[pos] = best[pos - 1];
            best[pos - 1] = t;
            pos--;
        }
    }
}
