package io.neurowatch.analyzers.clipdissect;

import java.util.Arrays;

/**
 * The memory-light exact scheme of spec §7 (fixes quirk C8): log p(t_m|B_k) for every unit without materialising
 * softmax(a·P) over all N×M entries.
 *
 * <p>Only images that are in some unit's top set are touched. They are processed in ascending order, in blocks:
 * for each image its row of P is read, Z_i = logsumexp_m(a·P_im) is computed over that row, and the row is turned
 * into p(t_m|x_i) = exp(a·P_im − max)/Σ exp(a·P_im' − max), exactly as torch's softmax does. Then every unit whose
 * top set contains the image adds its term. Memory: one block of rows (≤ 32 MiB) plus the K×M result; P is read
 * once per needed image. Each unit adds its images in ascending image order whatever the thread count, so results
 * are identical for any number of threads.
 *
 * <p>Units are split across the worker threads in the accumulation step; image rows are split in the softmax step.
 * Stateless.
 */
final class TopImageLikelihood {
    /** Doubles per block of probability rows (32 MiB). */
    private static final int BLOCK_DOUBLES = 1 << 22;

    private TopImageLikelihood() {
    }

    /** Receives (blocks done, blocks total). */
    interface Progress {
        void update(long done, long total);
    }

    /**
     * @param tops per unit, its top images best first (length {@code term.topK()}), or null to skip the unit
     * @return per unit log p(t|B_k) over the M concepts, null for skipped units
     */
    static double[][] compute(ConceptSimilarity p, int[][] tops, double a, TopImageTerm term, Workers workers,
                              Progress progress) {
        int n = p.images();
        int m = p.concepts();
        int units = tops.length;
        // Per unit, its (image, rank) pairs sorted by image, so a block is a contiguous run of each unit's list.
        int[][] images = new int[units][];
        int[][] ranks = new int[units][];
        boolean[] needed = new boolean[n];
        for (int k = 0; k < units; k++) {
            if (tops[k] == null) {
                continue;
            }
            long[] keys = new long[tops[k].length];
            for (int j = 0; j < keys.length; j++) {
                keys[j] = ((long) tops[k][j] << 32) | j;
                needed[tops[k][j]] = true;
            }
            Arrays.sort(keys);
            images[k] = new int[keys.length];
            ranks[k] = new int[keys.length];
            for (int j = 0; j < keys.length; j++) {
                images[k][j] = (int) (keys[j] >>> 32);
                ranks[k][j] = (int) keys[j];
            }
        }
        int[] order = new int[n];
        int[] position = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (needed[i]) {
                position[i] = count;
                order[count++] = i;
            }
        }
        double[][] out = new double[units][];
        for (int k = 0; k < units; k++) {
            if (tops[k] != null) {
                out[k] = new double[m];
            }
        }
        if (count == 0) {
            return out;
        }
        int block = Math.max(1, Math.min(count, BLOCK_DOUBLES / m));
        double[][] rows = new double[block][m];
        int[] cursor = new int[units];
        long blocks = (count + block - 1) / block;
        long done = 0;
        for (int start = 0; start < count; start += block) {
            int end = Math.min(count, start + block);
            int first = start;
            // A few chunks per thread, so a thread slowed by other load does not hold up the barrier.
            workers.forRange(end - start, (from, to) -> {
                float[] buf = new float[(to - from) * m];
                p.readRows(order, first + from, first + to, buf);
                for (int r = from; r < to; r++) {
                    softmax(buf, (r - from) * m, m, a, rows[r]);
                    term.transform(rows[r], m);
                }
            });
            int lastImage = order[end - 1];
            workers.forRange(units, (from, to) -> {
                for (int k = from; k < to; k++) {
                    int[] img = images[k];
                    if (img == null) {
                        continue;
                    }
                    int c = cursor[k];
                    while (c < img.length && img[c] <= lastImage) {
                        term.accumulate(out[k], rows[position[img[c]] - first], m, ranks[k][c]);
                        c++;
                    }
                    cursor[k] = c;
                }
            });
            progress.update(++done, blocks);
        }
        return out;
    }

    /** dst = softmax(a·src[off, off + m)) in double, as max-shifted exponentials divided by their sum. */
    static void softmax(float[] src, int off, int m, double a, double[] dst) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < m; c++) {
            max = Math.max(max, a * src[off + c]);
        }
        double sum = 0;
        for (int c = 0; c < m; c++) {
            double e = Math.exp(a * src[off + c] - max);
            dst[c] = e;
            sum += e;
        }
        for (int c = 0; c < m; c++) {
            dst[c] /= sum;
        }
    }
}
