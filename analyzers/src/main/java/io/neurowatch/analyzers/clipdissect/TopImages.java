package io.neurowatch.analyzers.clipdissect;

/**
 * Selects a unit's top-activating images in a fixed order: activation descending, ties by image index ascending
 * (quirk C6: torch.topk leaves tie order unspecified, and soft_wpmi weights depend on the rank). Stateless and
 * thread-safe.
 */
public final class TopImages {
    private TopImages() {
    }

    /**
     * The indices of the {@code k} largest values, best first. O(N log k).
     *
     * @param values one unit's activations; must not contain NaN
     * @throws IllegalArgumentException if k is negative or exceeds {@code values.length}
     */
    public static int[] select(double[] values, int k) {
        if (k < 0 || k > values.length) {
            throw new IllegalArgumentException("cannot select " + k + " of " + values.length + " images");
        }
        if (k == 0) {
            return new int[0];
        }
        // Min-heap on (value, −index): the root is the worst member, the one a better image replaces.
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, values);
            } else if (values[i] > values[heap[0]]) {
                // Strictly greater: an equal value at a later index is worse than every tied member.
                heap[0] = i;
                siftDown(heap, size, values);
            }
        }
        int[] out = new int[k];
        for (int pos = k - 1; pos >= 0; pos--) {
            out[pos] = heap[0];
            heap[0] = heap[--size];
            siftDown(heap, size, values);
        }
        return out;
    }

    /** True if image a ranks below image b. */
    private static boolean worse(int a, int b, double[] v) {
        return v[a] < v[b] || (v[a] == v[b] && a > b);
    }

    private static void siftUp(int[] h, int pos, double[] v) {
        int x = h[pos];
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            if (!worse(x, h[parent], v)) {
                break;
            }
            h[pos] = h[parent];
            pos = parent;
        }
        h[pos] = x;
    }

    private static void siftDown(int[] h, int size, double[] v) {
        if (size == 0) {
            return;
        }
        int pos = 0;
        int x = h[0];
        while (true) {
            int child = 2 * pos + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && worse(h[child + 1], h[child], v)) {
                child++;
            }
            if (!worse(h[child], x, v)) {
                break;
            }
            h[pos] = h[child];
            pos = child;
        }
        h[pos] = x;
    }
}
