package io.neurowatch.analyzers.invert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MannWhitneyTest {

    /** P(U ≥ u) by enumerating every placement of m x-values among m+n ranks. */
    private static double bruteSf(int u, int m, int n) {
        int total = m + n;
        long hits = 0;
        long all = 0;
        for (int mask = 0; mask < (1 << total); mask++) {
            if (Integer.bitCount(mask) != m) {
                continue;
            }
            all++;
            // U of x = number of (x, y) pairs with x above y.
            int uStat = 0;
            int ysBelow = 0;
            for (int r = 0; r < total; r++) {
                if ((mask & (1 << r)) != 0) {
                    uStat += ysBelow;
                } else {
                    ysBelow++;
                }
            }
            if (uStat >= u) {
                hits++;
            }
        }
        return (double) hits / all;
    }

    @Test
    void exactDistributionMatchesEnumeration() {
        for (int m = 1; m <= 6; m++) {
            for (int n = 1; n <= 8; n++) {
                for (int u = 0; u <= m * n + 1; u++) {
                    assertEquals(bruteSf(u, m, n), MannWhitney.exactSf(u, m, n), 1e-15, m + "," + n + "," + u);
                }
            }
        }
    }

    @Test
    void exactTailForALargeSecondGroup() {
        // m = 2 samples against 2,998: P(U >= mn) = 1 / C(3000, 2).
        assertEquals(1.0 / (3000.0 * 2999 / 2), MannWhitney.exactSf(2 * 2998, 2, 2998), 1e-22);
    }

    @Test
    void normalTailIsAccurateFarOut() {
        // Φ̄(30) = 4.906713927148187e-198 (reference value of the normal upper tail).
        assertEquals(4.906713927148187e-198, MannWhitney.normalSf(30), 1e-210);
        assertEquals(0.5, MannWhitney.normalSf(0), 1e-16);
    }

    @Test
    void allValuesTiedGivesOne() {
        // Every value equal: U = n0 n1 / 2, zero variance; SciPy returns 1 after clipping.
        double tie = 10.0 * 10 * 10 - 10;
        assertEquals(1.0, MannWhitney.pValue(4, 10, 4 * 11, tie, true, Alternative.TWO_SIDED), 0);
        assertTrue(Double.isNaN(MannWhitney.pValue(0, 10, 0, 0, false, Alternative.TWO_SIDED)));
    }
}
