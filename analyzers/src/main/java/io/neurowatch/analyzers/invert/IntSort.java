package io.neurowatch.analyzers.invert;

/** Stable merge sort of an int array under a primitive comparator, without boxing. */
final class IntSort {
    /** Compares two ints; negative, zero or positive like {@link java.util.Comparator}. */
    @FunctionalInterface
    interface IntComparator {
        int compare(int a, int b);
    }

    private IntSort() {
    }

    static void stableSort(int[] a, int n, IntComparator cmp) {
        int[] tmp = new int[n];
        mergeSort(a, tmp, 0, n, cmp);
    }

    private static void mergeSort(int[] a, int[] tmp, int lo, int hi, IntComparator cmp) {
        if (hi - lo < 2) {
            return;
        }
        if (hi - lo <= 16) {
            for (int i = lo + 1; i < hi; i++) {
                int x = a[i];
                int j = i - 1;
                while (j >= lo && cmp.compare(a[j], x) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        mergeSort(a, tmp, lo, mid, cmp);
        mergeSort(a, tmp, mid, hi, cmp);
        if (cmp.compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, lo, tmp, lo, hi - lo);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            if (i < mid && (j >= hi || cmp.compare(tmp[i], tmp[j]) <= 0)) {
                a[k] = tmp[i++];
            } else {
                a[k] = tmp[j++];
            }
        }
    }
}
