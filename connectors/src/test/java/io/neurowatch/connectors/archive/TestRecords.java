package io.neurowatch.connectors.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.LabelMatrix;
import io.neurowatch.core.state.SourceOffset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic consumed records and what the archive must hold for them. Everything about a row (values, labels,
 * timestamp) is a function of its sample id, so a window can be checked row by row against the generator.
 */
final class TestRecords {
    static final int CONCEPTS = 6;
    static final String TOPIC = "acts";

    private TestRecords() {
    }

    /** The rows of one record for one layer. */
    record Rec(String model, String layer, int cols, SourceOffset pos, long[] ids, long[] ts, long[] labelOffsets,
               int[] labelConcepts, float[] values) {
        int rows() {
            return ids.length;
        }

        boolean append(StreamArchive a) throws IOException {
            return a.append(model, layer, ids, ts, ids.length, cols, values, labelOffsets, labelConcepts, pos);
        }
    }

    /** Sample ids are unique per (partition, offset, row) and shared by all layers of a record. */
    static long sampleId(int partition, long offset, int row) {
        return partition * 1_000_000L + offset * 10 + row;
    }

    static float value(long sampleId, int col, int cols) {
        long h = (sampleId * 0x9E3779B97F4A7C15L) ^ ((long) col * 0xC2B2AE3D27D4EB4FL) ^ cols;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return (float) ((h % 200_000) / 1000.0); // both signs, fractional
    }

    /** Rows whose id is a multiple of 5 carry no concept; the others carry c where (id + c) % 3 == 0. */
    static int[] concepts(long sampleId) {
        if (sampleId % 5 == 0) {
            return new int[0];
        }
        List<Integer> cs = new ArrayList<>();
        for (int c = 0; c < CONCEPTS; c++) {
            if ((sampleId + c) % 3 == 0) {
                cs.add(c);
            }
        }
        return cs.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A record of {@code rows} rows; row i has timestamp {@code ts + i}. With {@code withLabels} false the record
     * passes null labels (every row unlabelled).
     */
    static Rec record(String model, String layer, int cols, int partition, long offset, int rows, long ts,
                      boolean withLabels) {
        long[] ids = new long[rows];
        long[] times = new long[rows];
        float[] values = new float[rows * cols];
        List<Integer> concepts = new ArrayList<>();
        long[] offsets = new long[rows + 1];
        for (int i = 0; i < rows; i++) {
            ids[i] = sampleId(partition, offset, i);
            times[i] = ts + i;
            for (int j = 0; j < cols; j++) {
                values[i * cols + j] = value(ids[i], j, cols);
            }
            if (withLabels) {
                for (int c : concepts(ids[i])) {
                    concepts.add(c);
                }
            }
            offsets[i + 1] = concepts.size();
        }
        return new Rec(model, layer, cols, new SourceOffset(TOPIC, partition, offset), ids, times,
                withLabels ? offsets : null, withLabels ? concepts.stream().mapToInt(Integer::intValue).toArray()
                : null, values);
    }

    static int[] expectedConcepts(long id, boolean labelled) {
        return labelled ? concepts(id) : new int[0];
    }

    /** Asserts the window holds exactly {@code ids} in this order, with generated timestamps, labels and values. */
    static void assertWindow(ArchiveWindow w, long[] ids, long[] ts, int cols) throws IOException {
        assertArrayEquals(ids, w.sampleIds(), "sample ids");
        assertArrayEquals(ts, w.timestamps(), "timestamps");
        assertEquals(ids.length, w.rows());
        ActivationSource src = w.activations();
        assertEquals(ids.length, src.rows());
        if (ids.length == 0) {
            return;
        }
        assertEquals(cols, src.features());
        LabelMatrix.Builder b = LabelMatrix.builder(ids.length, CONCEPTS);
        for (int i = 0; i < ids.length; i++) {
            for (int c : concepts(ids[i])) {
                b.set(i, c);
            }
        }
        assertEquals(b.build(), w.labels(), "labels");
        for (int block : new int[] {cols, 4, 1}) {
            for (int from = 0; from < cols; from += block) {
                int to = Math.min(cols, from + block);
                double[][] got = src.readColumns(from, to);
                for (int j = from; j < to; j++) {
                    double[] want = new double[ids.length];
                    for (int i = 0; i < ids.length; i++) {
                        want[i] = value(ids[i], j, cols);
                    }
                    assertArrayEquals(want, got[j - from], "column " + j + " in block [" + from + ", " + to + ")");
                }
            }
        }
    }
}
