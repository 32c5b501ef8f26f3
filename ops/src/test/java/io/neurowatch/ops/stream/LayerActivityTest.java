package io.neurowatch.ops.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.wire.ActivationBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayerActivityTest {

    @Test
    void topSamplesEqualABruteForceRankingAcrossBatchesWithTies() {
        int d = 4;
        int k = 7;
        LayerActivity a = new LayerActivity(k);
        Random rnd = new Random(9);
        List<long[]> seen = new ArrayList<>(); // {neuron, sampleId, bits of value}
        long id = 0;
        for (int b = 0; b < 30; b++) {
            int rows = 1 + rnd.nextInt(40);
            long[] ids = new long[rows];
            float[] acts = new float[rows * d];
            for (int i = 0; i < rows; i++) {
                ids[i] = id++;
                for (int j = 0; j < d; j++) {
                    // Coarse values, so ties are common: the earlier sample must stay ahead.
                    acts[i * d + j] = Math.round(rnd.nextGaussian() * 4) / 4f;
                    seen.add(new long[] {j, ids[i], Float.floatToIntBits(acts[i * d + j])});
                }
            }
            record(a, ActivationBatch.of("m", "v" + b, "l", ids, d, acts), 1000 + b);
        }
        for (int j = 0; j < d; j++) {
            int neuron = j;
            List<Long> expected = seen.stream().filter(s -> s[0] == neuron)
                    .sorted(Comparator.comparingDouble((long[] s) -> -Float.intBitsToFloat((int) s[2]))
                            .thenComparingLong(s -> s[1]))
                    .limit(k).map(s -> s[1]).toList();
            List<Long> got = a.top("m", "l", j).stream().map(LayerActivity.TopSample::sampleId).toList();
            assertEquals(expected, got, "neuron " + j);
        }
        LayerActivity.Seen s = a.layers().get(0);
        assertEquals(new LayerActivity.Seen("m", "v29", "l", d, id, 1029), s);
        assertTrue(a.top("m", "l", d).isEmpty());
        assertTrue(a.top("m", "other", 0).isEmpty());
    }

    @Test
    void aLayerWithANewWidthStartsOver() {
        LayerActivity a = new LayerActivity(2);
        record(a, ActivationBatch.of("m", "", "l", new long[] {1}, 2, new float[] {5, 5}), 1);
        record(a, ActivationBatch.of("m", "", "l", new long[] {2}, 3, new float[] {1, 1, 1}), 2);
        assertEquals(3, a.layers().get(0).features());
        assertEquals(1, a.layers().get(0).samples());
        assertEquals(2L, a.top("m", "l", 0).get(0).sampleId());
    }

    /** As the analyzer does: the batch's rows split out once. */
    private static void record(LayerActivity a, ActivationBatch b, long now) {
        float[][] rows = new float[b.batchSize()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = b.row(i);
        }
        a.record(b, rows, now);
    }
}
