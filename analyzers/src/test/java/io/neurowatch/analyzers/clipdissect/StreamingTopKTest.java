package io.neurowatch.analyzers.clipdissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamingTopKTest {
    private static final int N = 900;
    private static final int D = 7;
    private static final int C = 15;

    /** ReLU activations (many exact-zero ties), neuron k following concept k; neuron 6 mostly dead. */
    private static float[] activations(Random rnd) {
        float[] a = new float[N * D];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < D; k++) {
                double v = k == 6 ? (rnd.nextDouble() < 0.03 ? rnd.nextDouble() : 0) : rnd.nextGaussian();
                a[i * D + k] = (float) Math.max(0, v);
            }
        }
        return a;
    }

    private static float[] similarities(Random rnd, float[] acts) {
        float[] p = new float[N * C];
        for (int i = 0; i < N; i++) {
            for (int m = 0; m < C; m++) {
                double v = 0.2 + 0.1 * rnd.nextDouble() + (m < D ? 0.05 * acts[i * D + m] : 0);
                p[i * C + m] = (float) v;
            }
        }
        return p;
    }

    private static List<String> names() {
        List<String> n = new ArrayList<>();
        for (int m = 0; m < C; m++) {
            n.add("t" + m);
        }
        return n;
    }

    @Test
    void streamingDescriptionsEqualABatchRunOverEverySample() throws IOException {
        Random rnd = new Random(5);
        float[] acts = activations(rnd);
        float[] sims = similarities(rnd, acts);
        long[] ids = new long[N];
        for (int i = 0; i < N; i++) {
            ids[i] = 10_000 + 3L * i;
        }
        for (SimilarityFunction f : List.of(SimilarityFunction.SOFT_WPMI, SimilarityFunction.WPMI)) {
            DissectParams params = DissectParams.defaults(f).withTopK(20);
            StreamingTopK state = new StreamingTopK(20, D, C);
            for (int from = 0; from < N; from += 37) {
                int to = Math.min(N, from + 37);
                state.offer(java.util.Arrays.copyOfRange(ids, from, to),
                        java.util.Arrays.copyOfRange(acts, from * D, to * D),
                        java.util.Arrays.copyOfRange(sims, from * C, to * C));
            }
            assertTrue(state.retained() < N / 2, "only top samples are kept: " + state.retained());
            assertTrue(state.retained() <= D * 20);

            double[][] all = new double[D][N];
            for (int i = 0; i < N; i++) {
                for (int k = 0; k < D; k++) {
                    all[k][i] = acts[i * D + k];
                }
            }
            ClipDissector dissector = new ClipDissector(params, 1);
            DissectOutput batch = dissector.dissect(DenseConceptSimilarity.of(N, C, sims, "all"), all, names());
            StreamingTopK.Snapshot snap = state.snapshot();
            DissectOutput stream = dissector.dissect(snap.similarity(), snap.units(), names());
            assertEquals(N, snap.seen());
            for (int k = 0; k < D; k++) {
                DissectResult b = batch.results().get(k);
                DissectResult s = stream.results().get(k);
                assertEquals(b.status(), s.status(), f + " neuron " + k);
                assertEquals(b.best().index(), s.best().index(), f + " neuron " + k);
                assertEquals(b.best().score(), s.best().score(), 1e-9, f + " neuron " + k);
                long[] batchTop = java.util.Arrays.stream(b.topSamples()).mapToLong(i -> ids[i]).toArray();
                long[] streamTop = java.util.Arrays.stream(s.topSamples()).mapToLong(i -> snap.sampleIds()[i])
                        .toArray();
                assertArrayEquals(batchTop, streamTop, f + " neuron " + k + " top samples (ties included)");
            }
            for (int k = 0; k < 6; k++) {
                assertEquals(k, stream.results().get(k).best().index(), "neuron " + k + " follows concept " + k);
            }
        }
    }

    @Test
    void stateSurvivesSerialisationAndRejectsWrongWidths() throws IOException {
        Random rnd = new Random(9);
        float[] acts = activations(rnd);
        float[] sims = similarities(rnd, acts);
        long[] ids = new long[N];
        for (int i = 0; i < N; i++) {
            ids[i] = i;
        }
        StreamingTopK state = new StreamingTopK(10, D, C);
        state.offer(ids, acts, sims);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        state.write(new DataOutputStream(bytes));
        StreamingTopK back = StreamingTopK.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                "test");
        assertArrayEquals(state.snapshot().sampleIds(), back.snapshot().sampleIds());
        assertArrayEquals(state.snapshot().similarities(), back.snapshot().similarities());
        // The restored heaps keep working like the originals.
        long[] more = {5_000, 5_001};
        float[] a2 = new float[2 * D];
        java.util.Arrays.fill(a2, 100f);
        float[] p2 = new float[2 * C];
        state.offer(more, a2, p2);
        back.offer(more, a2, p2);
        assertArrayEquals(state.snapshot().sampleIds(), back.snapshot().sampleIds());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> state.offer(new long[] {1}, new float[D], new float[C + 1]));
        assertTrue(e.getMessage().contains(C + " concepts"), e.getMessage());
        byte[] bad = bytes.toByteArray();
        bad[3] = 9;
        IOException io = assertThrows(IOException.class,
                () -> StreamingTopK.read(new DataInputStream(new ByteArrayInputStream(bad)), "state.bin"));
        assertTrue(io.getMessage().startsWith("state.bin"));
    }
}
