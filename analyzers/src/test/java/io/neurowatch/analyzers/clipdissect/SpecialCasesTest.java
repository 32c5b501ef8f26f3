package io.neurowatch.analyzers.clipdissect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Spec §9 item 3 and the quirk fixes C5–C8 on generated data. */
class SpecialCasesTest {

    static List<String> names(int m) {
        return IntStream.range(0, m).mapToObj(i -> "concept" + i).toList();
    }

    /** Random P in [0.05, 0.35] like CLIP cosines, and random activations. */
    static DenseConceptSimilarity randomP(int n, int m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] data = new float[n * m];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (0.05 + 0.3 * rng.nextDouble());
        }
        return DenseConceptSimilarity.of(n, m, data, "random");
    }

    static double[][] randomQ(int k, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] q = new double[k][n];
        for (double[] col : q) {
            for (int i = 0; i < n; i++) {
                col[i] = rng.nextGaussian();
            }
        }
        return q;
    }

    @Test
    void aSingleUnitWithLambdaOneScoresZeroEverywhere() {
        DenseConceptSimilarity p = randomP(150, 12, 1);
        DissectOutput out = new ClipDissector(DissectParams.defaults(SimilarityFunction.SOFT_WPMI), 2)
                .dissect(p, randomQ(1, 150, 2), names(12));
        for (double s : out.scores()[0]) {
            assertEquals(0.0, s, 1e-12);
        }
        assertEquals(NeuronStatus.OK, out.results().get(0).status());
    }

    @Test
    void fewerImagesThanTopKIsInsufficientData() {
        DenseConceptSimilarity p = randomP(50, 6, 3);
        for (SimilarityFunction f : new SimilarityFunction[] {SimilarityFunction.SOFT_WPMI, SimilarityFunction.WPMI}) {
            DissectParams params = DissectParams.defaults(f).withTopK(51);
            DissectOutput out = new ClipDissector(params, 1).dissect(p, randomQ(3, 50, 4), names(6));
            for (DissectResult r : out.results()) {
                assertEquals(NeuronStatus.INSUFFICIENT_DATA, r.status());
                assertNull(r.best());
                assertTrue(r.message().contains("top_k = 51"), r.message());
                assertEquals(10, r.topSamples().length, "top samples are still reported");
            }
        }
        // rank_reorder: floor(39 · 0.05) = 1 top image cannot be ordered.
        DissectOutput rr = new ClipDissector(DissectParams.defaults(SimilarityFunction.RANK_REORDER), 1)
                .dissect(randomP(39, 6, 5), randomQ(2, 39, 6), names(6));
        assertEquals(NeuronStatus.INSUFFICIENT_DATA, rr.results().get(0).status());
    }

    @Test
    void deadUnitsAreFlaggedAndLeftOutOfThePrior() {
        int n = 200;
        DenseConceptSimilarity p = randomP(n, 10, 7);
        double[][] q = randomQ(4, n, 8);
        q[2] = new double[n];
        for (SimilarityFunction f : SimilarityFunction.values()) {
            DissectParams params = DissectParams.defaults(f);
            DissectOutput out = new ClipDissector(params, 2).dissect(p, q, names(10));
            DissectResult dead = out.results().get(2);
            assertEquals(NeuronStatus.DEAD, dead.status(), f.wireName());
            assertNull(dead.best(), f.wireName());
            assertTrue(Double.isNaN(out.scores()[2][0]), f.wireName());
            if (f.isPmi()) {
                // The other units' scores equal a run without the dead unit: it did not enter the prior.
                double[][] live = {q[0], q[1], q[3]};
                DissectOutput without = new ClipDissector(params, 1).dissect(p, live, names(10));
                assertArrayEquals(without.scores()[2], out.scores()[3], 1e-12, f.wireName());
            }
        }
    }

    @Test
    void referenceCompatReproducesNanAndConceptZeroForAnAllZeroUnit() {
        int n = 200;
        DenseConceptSimilarity p = randomP(n, 10, 9);
        double[][] q = randomQ(3, n, 10);
        q[1] = new double[n];
        DissectParams params = DissectParams.defaults(SimilarityFunction.COS_SIMILARITY).withReferenceCompat(true);
        DissectOutput out = new ClipDissector(params, 1).dissect(p, q, names(10));
        DissectResult dead = out.results().get(1);
        assertEquals(NeuronStatus.DEAD, dead.status());
        assertEquals(0, dead.best().index());
        assertTrue(Double.isNaN(dead.best().score()));
        // soft_wpmi in compat mode scores the dead unit with its first top_k images, as torch.topk may.
        DissectOutput soft = new ClipDissector(DissectParams.defaults(SimilarityFunction.SOFT_WPMI)
                .withReferenceCompat(true), 1).dissect(p, q, names(10));
        assertTrue(Double.isFinite(soft.results().get(1).best().score()));
        assertArrayEquals(IntStream.range(0, 10).toArray(), soft.results().get(1).topSamples());
    }

    @Test
    void nonFiniteActivationsFailOnlyThatUnit() {
        int n = 150;
        double[][] q = randomQ(3, n, 11);
        q[1][17] = Double.NaN;
        DissectOutput out = new ClipDissector(DissectParams.defaults(SimilarityFunction.SOFT_WPMI), 2)
                .dissect(randomP(n, 8, 12), q, names(8));
        assertEquals(NeuronStatus.ERROR, out.results().get(1).status());
        assertTrue(out.results().get(1).message().contains("row 17"), out.results().get(1).message());
        assertEquals(NeuronStatus.OK, out.results().get(0).status());
    }

    @Test
    void topKTiesGoToTheLowerImageIndex() {
        double[] v = {1, 3, 3, 2, 3, 0, 3};
        assertArrayEquals(new int[] {1, 2, 4, 6, 3}, TopImages.select(v, 5));
        assertArrayEquals(new int[] {1, 2}, TopImages.select(v, 2));
    }

    @Test
    void memoryLightSchemeEqualsTheFullSoftmax() {
        int n = 600;
        int m = 250;
        int k = 24;
        DenseConceptSimilarity p = randomP(n, m, 13);
        double[][] q = randomQ(k, n, 14);
        for (SimilarityFunction f : new SimilarityFunction[] {SimilarityFunction.SOFT_WPMI, SimilarityFunction.WPMI}) {
            DissectParams params = DissectParams.defaults(f);
            DissectOutput light = new ClipDissector(params, 3).dissect(p, q, names(m));
            int[][] tops = new int[k][];
            for (int u = 0; u < k; u++) {
                tops[u] = TopImages.select(q[u], params.topK());
            }
            double[][] full = FullSoftmaxScheme.scores(FullSoftmaxScheme.softmax(p, params.a(), 2), tops, params, 2);
            for (int u = 0; u < k; u++) {
                assertArrayEquals(full[u], light.scores()[u], 1e-6, f + " unit " + u);
            }
        }
    }

    @Test
    void embeddingSimilarityIsTheNormalisedProduct() {
        SplittableRandom rng = new SplittableRandom(15);
        int n = 40;
        int m = 1500;
        int e = 16;
        float[] img = new float[n * e];
        float[] txt = new float[m * e];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < txt.length; i++) {
            txt[i] = (float) rng.nextGaussian();
        }
        EmbeddingConceptSimilarity p = EmbeddingConceptSimilarity.of(img, n, txt, m, e, "emb");
        int[] rows = {3, 0, 39};
        float[] got = new float[rows.length * m];
        p.readRows(rows, 0, rows.length, got);
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < m; c += 97) {
                double dot = 0;
                double ni = 0;
                double nt = 0;
                for (int t = 0; t < e; t++) {
                    dot += (double) img[rows[r] * e + t] * txt[c * e + t];
                    ni += (double) img[rows[r] * e + t] * img[rows[r] * e + t];
                    nt += (double) txt[c * e + t] * txt[c * e + t];
                }
                assertEquals(dot / Math.sqrt(ni * nt), got[r * m + c], 1e-5);
            }
        }
    }

    @Test
    void aPlantedConceptIsFound() {
        // Image i shows concept c with probability 0.1; P is higher where it does. Unit j grows with P[i, 3j+1]
        // (graded, so that rank_reorder, which looks at the order inside the top 5%, has something to find).
        int n = 2000;
        int m = 30;
        int k = 8;
        SplittableRandom rng = new SplittableRandom(16);
        boolean[][] shows = new boolean[n][m];
        float[] data = new float[n * m];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < m; c++) {
                shows[i][c] = rng.nextDouble() < 0.1;
                data[i * m + c] = (float) (0.18 + 0.02 * rng.nextGaussian() + (shows[i][c] ? 0.08 : 0));
            }
        }
        DenseConceptSimilarity p = DenseConceptSimilarity.of(n, m, data, "planted");
        double[][] q = new double[k][n];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                q[j][i] = Math.max(0, 10 * (data[i * m + 3 * j + 1] - 0.2) + 0.05 * rng.nextGaussian());
            }
        }
        for (SimilarityFunction f : SimilarityFunction.values()) {
            DissectOutput out = new ClipDissector(DissectParams.defaults(f), 2).dissect(p, q, names(m));
            for (int j = 0; j < k; j++) {
                DissectResult r = out.results().get(j);
                assertEquals(NeuronStatus.OK, r.status(), f + " unit " + j);
                assertEquals("concept" + (3 * j + 1), r.best().concept(), f + " unit " + j);
                assertEquals(5, r.alternatives().size());
                assertTrue(r.alternatives().get(0).score() <= r.best().score());
            }
        }
    }

    @Test
    void mismatchedInputsNameBothSides() {
        DenseConceptSimilarity p = randomP(100, 5, 17);
        ClipDissector d = new ClipDissector(DissectParams.defaults(SimilarityFunction.SOFT_WPMI), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.dissect(p, randomQ(2, 100, 18), names(4)));
        assertTrue(e.getMessage().contains("5 concept columns"), e.getMessage());
        float[] bad = new float[6];
        bad[4] = Float.NaN;
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> DenseConceptSimilarity.of(2, 3, bad, "sim.npy"));
        assertTrue(nan.getMessage().contains("image 1, concept 1") && nan.getMessage().contains("sim.npy"),
                nan.getMessage());
    }

    @Test
    void rankingPutsNanLastOrFirstLikeTorch() {
        double[] row = {0.5, Double.NaN, 0.9, 0.9, Double.NEGATIVE_INFINITY};
        assertArrayEquals(new int[] {2, 3, 0, 4, 1}, ConceptRanking.top(row, 5, false));
        assertArrayEquals(new int[] {1, 2, 3}, ConceptRanking.top(row, 3, true));
        assertArrayEquals(new int[] {0}, ConceptRanking.top(new double[] {Double.NaN, Double.NaN}, 1, true));
    }
}
