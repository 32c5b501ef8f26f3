package io.neurowatch.analyzers.dora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.neurowatch.analyzers.Fixtures;
import io.neurowatch.connectors.io.NpyArray;
import io.neurowatch.connectors.io.NpyDtype;
import io.neurowatch.connectors.io.NpyReader;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parity with {@code lapalap/dora@0e2ab4b} EA_distance and scikit-learn 1.2.1 LocalOutlierFactor on the shared
 * fixture {@code dora/case1} (README §2). Max differences are printed so that the report can quote them.
 */
class DoraFixtureParityTest {
    private static final int K = 24;

    private static Path dir() {
        return Fixtures.dir("dora/case1");
    }

    private static double[][] matrix(String file) throws IOException {
        NpyArray a = NpyReader.read(dir().resolve(file));
        long[] s = a.shape();
        assertEquals(2, s.length, file);
        double[] flat = a.toDoubleRowMajor();
        double[][] m = new double[(int) s[0]][(int) s[1]];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(flat, i * m[0].length, m[i], 0, m[0].length);
        }
        return m;
    }

    private static MeanEncodings encodings() throws IOException {
        NpyArray a = NpyReader.read(dir().resolve("A.npy"));
        assertArrayEquals(new long[] {K, K, 3}, a.shape());
        return MeanEncodings.fromSamples(a.toFloatRowMajor(), null, K, 3);
    }

    private static double maxDiff(double[][] a, double[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }

    private static double maxDiff(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void meanOverSamplesMatchesTorch() throws IOException {
        double d = maxDiff(encodings().plus(), matrix("A_mean_float64.npy"));
        System.out.println("dora parity: A_mean float64 max diff " + d);
        assertTrue(d <= 1e-15, "max diff " + d);
        assertTrue(maxDiff(encodings().plus(), matrix("A_mean_float32.npy")) <= 1e-6);
    }

    @Test
    void layerWiseDistanceAndCosineMatchTheReference() throws IOException {
        EaDistances ea = new EaDistance(DistanceMode.LAYER_WISE, false).compute(encodings());
        double dD = maxDiff(ea.distances(), matrix("D_layerwise_float64.npy"));
        double dCos = maxDiff(ea.cosine(), matrix("cosine_similarity_float64.npy"));
        double dD32 = maxDiff(ea.distances(), matrix("D_layerwise_float32.npy"));
        double dCos32 = maxDiff(ea.cosine(), matrix("cosine_similarity_float32.npy"));
        System.out.printf("dora parity: layer-wise D max diff %.3g (float64), %.3g (float32); cosine %.3g / %.3g%n",
                dD, dD32, dCos, dCos32);
        assertTrue(dD <= 1e-12, "D " + dD);
        assertTrue(dCos <= 1e-12, "cos " + dCos);
        assertTrue(dD32 <= 1e-6, "D float32 " + dD32);
        assertTrue(dCos32 <= 1e-6, "cos float32 " + dCos32);
        assertEquals(0, ea.deadRows().length);
        assertTrue(ea.nanPairs().isEmpty());
    }

    @Test
    void pairWiseDistanceMatchesTheReferenceFloat32Storage() throws IOException {
        EaDistances ea = new EaDistance(DistanceMode.PAIR_WISE, false).compute(encodings());
        double d64 = maxDiff(ea.distances(), matrix("D_pairwise_float64.npy"));
        double d32 = maxDiff(ea.distances(), matrix("D_pairwise_float32.npy"));
        System.out.printf("dora parity: pair-wise D max diff %.3g (float64 run, float32 storage), %.3g (float32)%n",
                d64, d32);
        assertTrue(d64 <= 3e-8, "D " + d64);
        assertTrue(d32 <= 1e-6, "D float32 " + d32);
        assertEquals(null, ea.cosine());
    }

    @ParameterizedTest
    @CsvSource({"layerwise,float64", "pairwise,float64", "layerwise,float32", "pairwise,float32"})
    void lofOnTheReferenceDistancesMatchesSklearn(String mode, String dtype) throws IOException {
        String tag = "D_" + mode + "_" + dtype;
        double[][] d = matrix(tag + ".npy");
        LofResult lof = new LocalOutlierFactor(20, Contamination.of(0.01)).fit(d);
        NpyArray wantArray = NpyReader.read(dir().resolve("lof_nof_" + tag + ".npy"));
        // sklearn computes in D's dtype, and the pair-wise D is float32 even in the float64 run (README §2).
        boolean float64 = wantArray.dtype() == NpyDtype.FLOAT64;
        double tol = float64 ? 1e-12 : 2e-6;
        double[] want = wantArray.toDoubleRowMajor();
        double diff = maxDiff(lof.negativeOutlierFactor(), want);
        System.out.printf("dora parity: LOF nof on %s max diff %.3g (reference nof %s)%n", tag, diff,
                wantArray.dtype());
        assertTrue(diff <= tol, tag + " nof diff " + diff);

        NpyArray ind = NpyReader.read(dir().resolve("lof_kneighbors_ind_" + tag + ".npy"));
        assertArrayEquals(new long[] {K, 20}, ind.shape());
        double[] flat = ind.toDoubleRowMajor();
        int[][] nb = lof.neighbors();
        for (int p = 0; p < K; p++) {
            for (int t = 0; t < 20; t++) {
                assertEquals((int) flat[p * 20 + t], nb[p][t], tag + " neighbour " + t + " of " + p);
            }
        }

        JsonNode res = Fixtures.json(dir().resolve("results.json")).get("results").get(dtype).get(mode);
        JsonNode ref = res.get("lof");
        assertEquals(ref.get("offset_").asDouble(), lof.offset(), tol, tag);
        assertArrayEquals(ints(ref.get("flagged_indices")), lof.outliers(), tag);
        assertArrayEquals(new int[] {mode.equals("layerwise") ? 17 : 5}, lof.outliers(), tag);
        assertEquals(20, lof.nNeighbors());

        LofResult auto = new LocalOutlierFactor(20, Contamination.auto()).fit(d);
        double[] wantAuto = NpyReader.read(dir().resolve("lof_auto_nof_" + tag + ".npy")).toDoubleRowMajor();
        assertTrue(maxDiff(auto.negativeOutlierFactor(), wantAuto) <= tol, tag + " auto");
        assertEquals(-1.5, auto.offset());
        assertEquals(0, auto.outliers().length, tag + " auto flags nothing");
        assertArrayEquals(ints(res.get("lof_auto").get("flagged_indices")), auto.outliers());
    }

    @Test
    void wholePipelineFromEncodingsFlagsThePlantedOutlier() throws IOException {
        DoraResult lw = new DoraAnalyzer(DoraParams.defaults()).analyze(encodings());
        assertArrayEquals(new int[] {17}, lw.outliers());
        assertEquals(17, lw.ranking()[0]);
        double[] want = NpyReader.read(dir().resolve("lof_nof_D_layerwise_float64.npy")).toDoubleRowMajor();
        double diff = maxDiff(lw.negativeOutlierFactor(), want);
        System.out.printf("dora parity: pipeline layer-wise nof max diff %.3g%n", diff);
        assertTrue(diff <= 1e-12, "layer-wise nof " + diff);
        assertEquals(-1.027174, lw.offset(), 1e-6);

        DoraResult pw = new DoraAnalyzer(DoraParams.defaults().withMode(DistanceMode.PAIR_WISE)).analyze(encodings());
        assertArrayEquals(new int[] {5}, pw.outliers());
        double[] wantPw = NpyReader.read(dir().resolve("lof_nof_D_pairwise_float64.npy")).toDoubleRowMajor();
        double diffPw = maxDiff(pw.negativeOutlierFactor(), wantPw);
        System.out.printf("dora parity: pipeline pair-wise nof max diff %.3g (D differs by float32 storage)%n",
                diffPw);
        assertTrue(diffPw <= 1e-6, "pair-wise nof " + diffPw);
        assertEquals(-1.007672, pw.offset(), 1e-6);

        DoraResult auto = new DoraAnalyzer(DoraParams.defaults().withContamination(Contamination.auto()))
                .analyze(encodings());
        assertEquals(0, auto.outliers().length);
    }

    private static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asInt();
        }
        return out;
    }
}
