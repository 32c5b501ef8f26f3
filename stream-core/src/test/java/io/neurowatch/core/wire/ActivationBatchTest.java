package io.neurowatch.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The invariants and defensive copies of {@link ActivationBatch} and {@link ConceptLabels}. */
class ActivationBatchTest {

    private static final long[] IDS = {1, 2};
    private static final float[] ACTS = {1f, 2f, 3f, 4f, 5f, 6f};

    private static ActivationBatch base() {
        return ActivationBatch.of("m", "v", "l", IDS, 3, ACTS);
    }

    private static void rejects(String fragment, Executable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction);
        assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' not in: " + e.getMessage());
    }

    @Test
    void accessorsReadTheRowMajorMatrix() {
        ActivationBatch b = base().withSimilarities(new float[] {0.1f, 0.2f});
        assertEquals(2, b.batchSize());
        assertEquals(6f, b.activation(1, 2));
        assertArrayEquals(new float[] {4f, 5f, 6f}, b.row(1));
        assertEquals(2L, b.sampleId(1));
        assertEquals(1, b.similarityWidth());
        assertEquals(0.2f, b.similarity(1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> b.activation(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> b.activation(0, 3));
        assertThrows(IllegalStateException.class, () -> base().similarity(0, 0));
        assertTrue(b.toString().contains("B=2, D=3"), b.toString());
    }

    @Test
    void copiesArraysInAndOut() {
        long[] ids = IDS.clone();
        float[] acts = ACTS.clone();
        int[] shape = {3};
        long[] ts = {5, 6};
        float[] sim = {0.5f, 0.6f};
        ActivationBatch b = new ActivationBatch("m", "v", "l", ids, 3, acts, shape, ts, null, sim);
        ids[0] = 9;
        acts[0] = 9f;
        shape[0] = 9;
        ts[0] = 9;
        sim[0] = 9f;
        b.sampleIds()[1] = 8;
        b.activations()[1] = 8f;
        b.featureShape()[0] = 8;
        b.timestampsMillis()[1] = 8;
        b.similarities()[1] = 8f;
        assertArrayEquals(IDS, b.sampleIds());
        assertArrayEquals(ACTS, b.activations());
        assertArrayEquals(new int[] {3}, b.featureShape());
        assertArrayEquals(new long[] {5, 6}, b.timestampsMillis());
        assertArrayEquals(new float[] {0.5f, 0.6f}, b.similarities());
        int[] offsets = {0, 1, 1};
        ConceptLabels labels = new ConceptLabels(offsets, new int[] {4});
        offsets[1] = 0;
        labels.offsets()[1] = 0;
        assertArrayEquals(new int[] {0, 1, 1}, labels.offsets());
    }

    @Test
    void equalityIsByValueAndBitExact() {
        assertEquals(base(), ActivationBatch.of("m", "v", "l", IDS.clone(), 3, ACTS.clone()));
        assertEquals(base().hashCode(), ActivationBatch.of("m", "v", "l", IDS.clone(), 3, ACTS.clone()).hashCode());
        assertNotEquals(base(), base().withTimestamps(new long[] {1, 2}));
        float[] negativeZero = ACTS.clone();
        float[] positiveZero = ACTS.clone();
        negativeZero[0] = -0f;
        positiveZero[0] = 0f;
        assertNotEquals(ActivationBatch.of("m", "v", "l", IDS, 3, negativeZero),
                ActivationBatch.of("m", "v", "l", IDS, 3, positiveZero));
    }

    @Test
    void rejectsWhatTheDecoderRejects() {
        rejects("modelId is empty", () -> ActivationBatch.of("", "v", "l", IDS, 3, ACTS));
        rejects("layer is empty", () -> ActivationBatch.of("m", "v", "", IDS, 3, ACTS));
        rejects("unpaired surrogate", () -> ActivationBatch.of("m\uD800", "v", "l", IDS, 3, ACTS));
        rejects("more than 1024", () -> ActivationBatch.of("é".repeat(513), "v", "l", IDS, 3, ACTS));
        rejects("batch size B is 0", () -> ActivationBatch.of("m", "v", "l", new long[0], 3, new float[0]));
        rejects("features D is 0", () -> ActivationBatch.of("m", "v", "l", IDS, 0, new float[0]));
        rejects("expected B·D = 2·4", () -> ActivationBatch.of("m", "v", "l", IDS, 4, ACTS));
        rejects("NaN at row 1, column 0",
                () -> ActivationBatch.of("m", "v", "l", IDS, 3, new float[] {1, 2, 3, Float.NaN, 5, 6}));
        rejects("sample id 1 occurs at rows 0 and 1", () -> ActivationBatch.of("m", "v", "l", new long[] {1, 1}, 3,
                ACTS));
        rejects("sample id 9 occurs at rows 1 and 3", () -> ActivationBatch.of("m", "v", "l",
                new long[] {5, 9, 3, 9, 5}, 1, new float[5]));
        rejects("has 4 elements, but D is 3", () -> base().withFeatureShape(2, 2));
        rejects("3 timestamps for 2 samples", () -> base().withTimestamps(new long[3]));
        rejects("labels describe 1 samples", () -> base().withLabels(ConceptLabels.of(new int[] {1})));
        rejects("not a multiple of B", () -> base().withSimilarities(new float[3]));
        rejects("similarity width M is 0", () -> base().withSimilarities(new float[0]));
        rejects("non-finite similarity Infinity at row 0, column 1",
                () -> base().withSimilarities(new float[] {0, Float.POSITIVE_INFINITY, 0, 0}));
        assertThrows(NullPointerException.class, () -> ActivationBatch.of("m", null, "l", IDS, 3, ACTS));
        assertThrows(NullPointerException.class, () -> ActivationBatch.of("m", "v", "l", null, 3, ACTS));
    }

    @Test
    void conceptLabelsRejectMalformedCsr() {
        rejects("offsets are empty", () -> new ConceptLabels(new int[0], new int[0]));
        rejects("offsets[0] is 1", () -> new ConceptLabels(new int[] {1, 1}, new int[1]));
        rejects("decrease at index 2", () -> new ConceptLabels(new int[] {0, 2, 1, 2}, new int[2]));
        rejects("must equal the number of concept ids 2", () -> new ConceptLabels(new int[] {0, 1}, new int[2]));
        rejects("negative concept id -1 in sample row 1", () -> ConceptLabels.of(new int[] {0}, new int[] {-1}));
        rejects("concept id 3 repeated in sample row 0", () -> ConceptLabels.of(new int[] {3, 2, 3}));
        ConceptLabels ok = ConceptLabels.of(new int[] {3, 0}, new int[0], new int[] {3});
        assertEquals(3, ok.samples());
        assertEquals(3, ok.count());
        assertArrayEquals(new int[] {3, 0}, ok.conceptsOf(0));
        assertArrayEquals(new int[0], ok.conceptsOf(1));
        assertThrows(IndexOutOfBoundsException.class, () -> ok.conceptsOf(3));
    }
}
