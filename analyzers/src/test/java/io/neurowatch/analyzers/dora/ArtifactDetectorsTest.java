package io.neurowatch.analyzers.dora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.analyzers.invert.Auroc;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Spec dora.md §3.7 and §9 item 7. */
class ArtifactDetectorsTest {

    @Test
    void aurocIsTheMidrankRoutineOnTiedScores() {
        double[] a = {0.1, 0.5, 0.5, 0.9};
        boolean[] y = {false, true, false, true};
        DetectorScore s = ArtifactDetectors.score(7, a, y);
        assertEquals(0.875, s.auroc(), 0);
        assertEquals(0.875, s.sensitivity(), 0);
        assertEquals(7, s.neuron());
        Random rnd = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            int n = 10 + rnd.nextInt(40);
            double[] v = new double[n];
            boolean[] lab = new boolean[n];
            for (int i = 0; i < n; i++) {
                v[i] = rnd.nextInt(4);
                lab[i] = i % 3 == 0;
            }
            double want = Auroc.of(v, lab);
            DetectorScore d = ArtifactDetectors.score(0, v, lab);
            assertEquals(want, d.auroc(), 0);
            assertEquals(Math.max(want, 1 - want), d.sensitivity(), 0);
        }
    }

    @Test
    void invertedDetectorsCountByTheirSensitivity() {
        // Fires less on artifacts: AUROC 0.125, d = 0.875.
        DetectorScore s = ArtifactDetectors.score(1, new double[] {0.9, 0.5, 0.5, 0.1},
                new boolean[] {false, true, false, true});
        assertEquals(0.125, s.auroc(), 0);
        assertEquals(0.875, s.sensitivity(), 0);
        assertTrue(s.inverted());
    }

    @Test
    void countsAtTheProtocolThresholdsAreStrict() {
        List<DetectorScore> scores = List.of(new DetectorScore(0, 0.94, 0.94), new DetectorScore(1, 0.87, 0.87),
                new DetectorScore(2, 0.2, 0.8), new DetectorScore(3, 0.7, 0.7), new DetectorScore(4, 0.5, 0.5),
                new DetectorScore(5, 0.96, 0.96));
        SensitivityCounts c = SensitivityCounts.of(scores);
        assertArrayEquals(new double[] {0.7, 0.8, 0.9, 0.95}, c.thresholds());
        assertArrayEquals(new int[] {4, 3, 2, 1}, c.counts());
        assertEquals(6, c.total());
        assertEquals(2, c.countAbove(0.9));
        assertThrows(IllegalArgumentException.class, () -> c.countAbove(0.85));
    }

    @Test
    void samplesAreRankedByDescendingActivation() {
        assertArrayEquals(new int[] {2, 1, 3, 0}, ArtifactDetectors.rankSamples(new double[] {0.1, 0.5, 0.9, 0.5}));
        assertThrows(IllegalArgumentException.class, () -> ArtifactDetectors.rankSamples(new double[] {Double.NaN}));
    }

    @Test
    void probeSetsNeedBothClasses() {
        assertThrows(IllegalArgumentException.class,
                () -> ArtifactDetectors.score(0, new double[] {1, 2}, new boolean[] {true, true}));
        assertThrows(IllegalArgumentException.class,
                () -> ArtifactDetectors.score(0, new double[] {1, 2}, new boolean[] {true}));
        assertThrows(IllegalArgumentException.class,
                () -> ArtifactDetectors.score(0, new double[] {1, Double.NaN}, new boolean[] {true, false}));
        List<DetectorScore> all = ArtifactDetectors.scoreAll(new int[] {5, 9},
                new double[][] {{1, 2, 3, 4}, {4, 3, 2, 1}}, new boolean[] {false, false, true, true});
        assertEquals(1.0, all.get(0).auroc(), 0);
        assertEquals(9, all.get(1).neuron());
        assertEquals(1.0, all.get(1).sensitivity(), 0);
    }
}
