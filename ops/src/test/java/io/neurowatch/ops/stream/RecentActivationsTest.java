package io.neurowatch.ops.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.state.AnnotationStore.Annotation;
import io.neurowatch.core.state.LayerBatch;
import io.neurowatch.core.wire.ActivationBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentActivationsTest {

    private static void add(RecentActivations r, String layer, long firstId, int n, boolean labelled) {
        long[] ids = new long[n];
        float[] flat = new float[n * 2];
        float[][] rows = new float[n][];
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = firstId + i;
            rows[i] = new float[] {firstId + i, -(firstId + i)};
            ts[i] = 1000 + firstId + i;
        }
        r.add(ActivationBatch.of("m", "1", layer, ids, 2, flat), rows, ts, labelled);
    }

    @Test
    void joinsRecentSamplesOfEveryLayerOnceAndForgetsTheOldest() {
        RecentActivations r = new RecentActivations(5);
        add(r, "a", 0, 5, false);
        add(r, "b", 3, 2, false); // samples 3 and 4 also have layer b
        add(r, "a", 5, 1, false); // evicts sample 0
        RecentActivations.Joined j = r.join(List.of(new Annotation("m", 0, new int[] {1}),
                new Annotation("m", 3, new int[] {1}), new Annotation("m", 4, new int[] {}),
                new Annotation("other", 3, new int[] {1})), c -> "c" + c);
        assertEquals(2, j.matched());
        assertEquals(2, j.unmatched());
        assertEquals(2, j.updates().size(), "layers a and b");
        LayerBatch a = j.updates().get(0);
        assertEquals("a", a.layer());
        assertTrue(a.labelsOnly());
        assertEquals(List.of("c1"), a.concepts());
        assertEquals(2, a.rows(), "sample 3 positive, sample 4 negative");
        assertArrayEquals(new float[][] {{3, -3}, {4, -4}}, a.activations());
        // Counted once: a second annotation of sample 3 reaches no histogram.
        RecentActivations.Joined again = r.join(List.of(new Annotation("m", 3, new int[] {2})), c -> "c" + c);
        assertEquals(1, again.matched());
        assertTrue(again.updates().isEmpty());
    }

    @Test
    void samplesThatCameWithLabelsAreNotCountedAgainAndAWindowOfZeroKeepsNothing() {
        RecentActivations r = new RecentActivations(10);
        add(r, "a", 0, 3, true);
        RecentActivations.Joined j = r.join(List.of(new Annotation("m", 1, new int[] {4})), c -> "c" + c);
        assertEquals(1, j.matched());
        assertTrue(j.updates().isEmpty());
        RecentActivations none = new RecentActivations(0);
        add(none, "a", 0, 3, false);
        assertEquals(1, none.join(List.of(new Annotation("m", 1, new int[] {4})), c -> "c" + c).unmatched());
    }
}
