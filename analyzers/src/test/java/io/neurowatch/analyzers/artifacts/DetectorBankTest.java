package io.neurowatch.analyzers.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectorBankTest {
    /** An exact distribution: every activation kept, quantiles by the lower nearest rank. */
    private static final class Exact implements NeuronDistribution {
        final Map<ArtifactDetector, List<Float>> seen = new HashMap<>();

        void add(ArtifactDetector d, float... values) {
            List<Float> l = seen.computeIfAbsent(d, k -> new ArrayList<>());
            for (float v : values) {
                l.add(v);
            }
        }

        @Override
        public long count(ArtifactDetector neuron) {
            return seen.getOrDefault(neuron, List.of()).size();
        }

        @Override
        public double quantile(ArtifactDetector neuron, double rank) {
            float[] v = new float[seen.get(neuron).size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = seen.get(neuron).get(i);
            }
            Arrays.sort(v);
            return v[(int) Math.floor(rank * (v.length - 1))];
        }
    }

    private static float[] ramp(int from, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = from + i;
        }
        return v;
    }

    private static final ArtifactDetector D = new ArtifactDetector("m", "conv3", 2);

    @Test
    void silentUntilEnoughSamplesThenAlertsStrictlyAboveThePercentile() {
        DetectorBank bank = new DetectorBank(0.99, ThresholdMode.LIVE, 1000, 100);
        bank.register(List.of(D), "config");
        Exact dist = new Exact();
        dist.add(D, ramp(0, 50));
        bank.refresh(dist);
        float[] acts = {0, 0, 1e6f, 0, 0, 0, 0, 0};   // 2 samples × 4 neurons: sample 0 fires neuron 2 hugely
        assertTrue(bank.score("m", "conv3", new long[] {7, 8}, null, acts, 4).isEmpty(), "below min samples");

        dist.add(D, ramp(50, 950));                     // 0..999
        bank.refresh(dist);
        double t = bank.states().get(0).threshold();
        assertEquals(989.0, t, 1e-9);
        float[] batch = {0, 0, 989f, 0, /* */ 0, 0, 989.5f, 0, /* */ 0, 0, 1200f, 0};
        List<ArtifactAlert> alerts = bank.score("m", "conv3", new long[] {1, 2, 3}, new long[] {10, 20, 30}, batch, 4);
        assertEquals(List.of(2L, 3L), alerts.stream().map(ArtifactAlert::sampleId).toList());
        assertEquals(989.5f, alerts.get(0).activation());
        assertEquals(20L, alerts.get(0).sampleTimeMillis());
        assertEquals(0.99, alerts.get(0).percentile());
        assertTrue(bank.score("m", "other", new long[] {1}, null, new float[] {0, 0, 5000, 0}, 4).isEmpty());
        assertTrue(bank.score("m", "conv3", new long[] {1}, null, new float[] {5000, 5000}, 2).isEmpty(),
                "a detector beyond the batch's width never fires");
    }

    @Test
    void liveThresholdFollowsTheStreamButAReferenceThresholdFreezes() {
        Exact dist = new Exact();
        dist.add(D, ramp(0, 1000));
        DetectorBank live = new DetectorBank(0.9, ThresholdMode.LIVE, 1000, 10);
        DetectorBank ref = new DetectorBank(0.9, ThresholdMode.REFERENCE, 1000, 10);
        live.register(List.of(D), "config");
        ref.register(List.of(D), "config");
        assertFalse(live.refresh(dist));
        assertTrue(ref.refresh(dist), "the reference window is full: the threshold freezes");
        dist.add(D, ramp(100_000, 1000));              // a burst of huge activations
        live.refresh(dist);
        assertFalse(ref.refresh(dist));
        assertEquals(899.0, ref.states().get(0).threshold(), 1e-9);
        assertTrue(live.states().get(0).threshold() > 100_000, "live threshold moved into the burst");

        DetectorBank restarted = new DetectorBank(0.9, ThresholdMode.REFERENCE, 1000, 10);
        restarted.restore(ref.states().get(0));
        restarted.refresh(dist);
        assertEquals(899.0, restarted.states().get(0).threshold(), 1e-9, "a frozen threshold survives a restart");
        assertTrue(restarted.states().get(0).frozen());
    }

    @Test
    void registrationIsIdempotentAndArgumentsAreChecked() {
        DetectorBank bank = new DetectorBank(0.99, ThresholdMode.LIVE, 10, 10);
        assertEquals(List.of(D), bank.register(List.of(D), "a"));
        assertTrue(bank.register(List.of(D), "b").isEmpty());
        assertEquals("a", bank.states().get(0).origin());
        assertThrows(IllegalArgumentException.class, () -> new DetectorBank(1.0, ThresholdMode.LIVE, 1, 1));
        assertEquals(new ArtifactDetector("m", "a/b", 7), ArtifactDetector.parse("m/a/b/7"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ArtifactDetector.parse("m/conv3/x"));
        assertTrue(e.getMessage().contains("m/conv3/x"));
        assertThrows(IllegalArgumentException.class, () -> ArtifactDetector.parse("m/7"));
        assertThrows(IllegalArgumentException.class, () -> ThresholdMode.parse("median"));
    }
}
