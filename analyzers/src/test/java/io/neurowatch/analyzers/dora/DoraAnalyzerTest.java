package io.neurowatch.analyzers.dora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Dead and undefined neurons are reported and kept out of LOF (quirk D8), or scored as the reference does. */
class DoraAnalyzerTest {

    private static double[][] withDeadRow() {
        double[][] a = EaDistanceTest.closedForm();
        a[2] = new double[6];
        return a;
    }

    @Test
    void deadNeuronsAreExcludedByDefault() {
        DoraParams p = DoraParams.defaults().withNNeighbors(3).withContamination(Contamination.auto());
        for (DistanceMode mode : DistanceMode.values()) {
            DoraResult r = new DoraAnalyzer(p.withMode(mode)).analyze(MeanEncodings.of(withDeadRow()));
            assertArrayEquals(new int[] {2}, r.excluded(), mode.wireName());
            assertArrayEquals(new int[] {2}, r.distances().deadRows());
            assertTrue(Double.isNaN(r.negativeOutlierFactor()[2]));
            assertEquals(0, r.neighbors()[2].length);
            assertEquals(5, r.ranking().length);
            for (int id : r.ranking()) {
                assertTrue(id != 2);
            }
            for (int[] nb : r.neighbors()) {
                for (int id : nb) {
                    assertTrue(id != 2, "dead neuron is nobody's neighbour");
                }
            }
            assertArrayEquals(new int[] {0, 1, 3, 4, 5}, r.scored());
        }
    }

    @Test
    void excludingADeadNeuronEqualsScoringTheRest() {
        DoraParams p = DoraParams.defaults().withNNeighbors(3).withContamination(Contamination.of(0.2));
        DoraResult r = new DoraAnalyzer(p).analyze(MeanEncodings.of(withDeadRow()));
        double[][] d = r.distances().distances();
        int[] keep = {0, 1, 3, 4, 5};
        double[][] sub = new double[5][5];
        for (int a = 0; a < 5; a++) {
            for (int b = 0; b < 5; b++) {
                sub[a][b] = d[keep[a]][keep[b]];
            }
        }
        LofResult lof = new LocalOutlierFactor(3, Contamination.of(0.2)).fit(sub);
        for (int a = 0; a < 5; a++) {
            assertEquals(lof.negativeOutlierFactor()[a], r.negativeOutlierFactor()[keep[a]], 0);
        }
        assertEquals(lof.offset(), r.offset(), 0);
    }

    @Test
    void referenceNanHandlingScoresEverybody() {
        DoraParams p = DoraParams.defaults().withNNeighbors(3).withContamination(Contamination.auto())
                .withMode(DistanceMode.PAIR_WISE).withReferenceNanHandling();
        DoraResult r = new DoraAnalyzer(p).analyze(MeanEncodings.of(withDeadRow()));
        assertEquals(0, r.excluded().length);
        assertEquals(6, r.ranking().length);
        assertTrue(Double.isFinite(r.negativeOutlierFactor()[2]));
        assertEquals(5, r.distances().nanPairs().size(), "still reported");
        assertTrue(r.params().nanToZero());
        assertTrue(!r.params().excludeDead());
    }

    @Test
    void undefinedPairsExcludeTheNeuronBehindThemNotItsPartners() {
        // Neuron 1 is not dead, but (A[1,0], A[1,1]) = 0 leaves pair (0,1) undefined and (A[1,1], A[1,3]) = 0 pair
        // (1,3). Neuron 1 is behind both, so only it is excluded; 0 and 3 keep their scores.
        double[][] a = EaDistanceTest.closedForm();
        a[1][0] = 0;
        a[1][1] = 0;
        a[1][3] = 0;
        a[3][1] = 0;
        a[3][3] = 0;
        EaDistances ea = new EaDistance(DistanceMode.PAIR_WISE, false).compute(MeanEncodings.of(a));
        assertEquals(0, ea.deadRows().length);
        assertTrue(ea.nanPairs().contains(new IndexPair(0, 1)), ea.nanPairs().toString());
        assertTrue(ea.nanPairs().contains(new IndexPair(1, 3)), ea.nanPairs().toString());
        DoraResult r = new DoraAnalyzer(DoraParams.defaults().withNNeighbors(2).withMode(DistanceMode.PAIR_WISE)
                .withContamination(Contamination.auto())).analyze(ea);
        for (int i : r.scored()) {
            for (int j : r.scored()) {
                assertTrue(!Double.isNaN(r.distances().distance(i, j)));
            }
        }
        assertArrayEquals(new int[] {1}, r.excluded());
    }

    @Test
    void tooFewScorableNeuronsIsAClearError() {
        double[][] a = new double[3][3];
        a[0][0] = 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DoraAnalyzer(DoraParams.defaults()).analyze(MeanEncodings.of(a)));
        assertTrue(e.getMessage().contains("only 1 of 3"), e.getMessage());
    }
}
