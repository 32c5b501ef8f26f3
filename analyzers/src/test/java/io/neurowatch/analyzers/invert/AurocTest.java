package io.neurowatch.analyzers.invert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AurocTest {

    @Test
    void specExampleWithTies() {
        assertEquals(0.875, Auroc.of(new double[] {.1, .5, .5, .9}, new boolean[] {false, true, false, true}), 0);
    }

    @Test
    void emptyAndFullLabellingsGiveZeroAsTheReference() {
        double[] a = {0.3, 0.1, 0.2};
        assertEquals(0.0, Auroc.of(a, new boolean[3]), 0);
        assertEquals(0.0, Auroc.of(a, new boolean[] {true, true, true}), 0);
    }

    /** Property: the midrank formula equals P(a+ > a-) + ½ P(a+ = a-) counted over all pairs. */
    @Test
    void equalsPairwiseDefinitionOnRandomDataWithTies() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + rnd.nextInt(60);
            double[] a = new double[n];
            boolean[] y = new boolean[n];
            int levels = 1 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                a[i] = rnd.nextInt(levels) * 0.5 - (rnd.nextBoolean() ? 0.0 : -0.0);
                y[i] = rnd.nextDouble() < 0.4;
            }
            double wins = 0;
            long pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (y[i] && !y[j]) {
                        pairs++;
                        wins += a[i] > a[j] ? 1 : (a[i] == a[j] ? 0.5 : 0);
                    }
                }
            }
            double expected = pairs == 0 ? 0 : wins / pairs;
            assertEquals(expected, Auroc.of(a, y), 1e-12, "trial " + trial);
        }
    }

    @Test
    void negationIsExactComplement() {
        Random rnd = new Random(7);
        double[] a = new double[101];
        boolean[] y = new boolean[101];
        boolean[] notY = new boolean[101];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextInt(20);
            y[i] = rnd.nextBoolean();
            notY[i] = !y[i];
        }
        assertEquals(1.0, Auroc.of(a, y) + Auroc.of(a, notY), 1e-15);
    }

    @Test
    void exactComparisonSeparatesFractionsThatCollideInDouble() {
        long big = 3_000_000_019L;
        // big/(big+1) vs (big-1)/big differ by about 1e-19, below double resolution near 1.
        assertEquals(1, Integer.signum(Auroc.compare(big, big + 1, big - 1, big)));
        assertEquals(0, Auroc.compare(2, 4, 1, 2));
    }
}
