package io.neurowatch.ops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.connectors.io.NpyArray;
import io.neurowatch.connectors.io.NpyDtype;
import io.neurowatch.connectors.io.NpyReader;
import io.neurowatch.connectors.io.NpyWriter;
import io.neurowatch.testkit.TestData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code neurowatch dora} end to end on the reference DORA fixture: files that parse, and clear errors. */
class DoraCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path fixtures() {
        return TestData.reference("dora/case1");
    }



    private static double[] nof(String file) throws Exception {
        return NpyReader.read(fixtures().resolve(file)).toDoubleRowMajor();
    }

    @Test
    void layerWiseRunWritesParsableFilesMatchingTheReference() throws Exception {
        Path dir = tmp.resolve("lw");
        CliRun r = CliRun.run("dora", "--encodings", fixtures().resolve("A.npy").toString(), "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("outliers (1): 17"), r.out());

        JsonNode j = JSON.readTree(dir.resolve("dora.json").toFile());
        assertEquals("layer-wise", j.get("distance").asText());
        assertEquals(24, j.get("neurons").size());
        assertEquals(1, j.get("outliers").size());
        assertEquals(17, j.get("outliers").get(0).asInt());
        assertEquals(17, j.get("ranking").get(0).asInt());
        assertEquals(24, j.get("ranking").size());
        assertEquals(0, j.get("dead").size());
        assertEquals(-1.027174, j.get("offset").asDouble(), 1e-6);
        assertEquals(20, j.get("params").get("n_neighbors").asInt());
        assertEquals(0.01, j.get("params").get("contamination").asDouble());
        double[] want = nof("lof_nof_D_layerwise_float64.npy");
        for (int i = 0; i < 24; i++) {
            assertEquals(want[i], j.get("negative_outlier_factor").get(i).asDouble(), 1e-12);
        }
        double[] ind = NpyReader.read(fixtures().resolve("lof_kneighbors_ind_D_layerwise_float64.npy"))
                .toDoubleRowMajor();
        for (int p = 0; p < 24; p++) {
            assertEquals(20, j.get("neighbors").get(p).size());
            for (int t = 0; t < 20; t++) {
                assertEquals((int) ind[p * 20 + t], j.get("neighbors").get(p).get(t).asInt());
            }
        }

        NpyArray d = NpyReader.read(dir.resolve("distances.npy"));
        assertEquals(NpyDtype.FLOAT64, d.dtype());
        assertArrayEquals(new long[] {24, 24}, d.shape());
        assertArrayEquals(NpyReader.read(fixtures().resolve("D_layerwise_float64.npy")).toDoubleRowMajor(),
                d.toDoubleRowMajor(), 1e-12);

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        assertEquals("svg", f.newDocumentBuilder().parse(dir.resolve("atlas.svg").toFile()).getDocumentElement()
                .getLocalName());
        BufferedImage png = ImageIO.read(dir.resolve("atlas.png").toFile());
        assertNotNull(png, "atlas.png decodes");
        assertTrue(png.getWidth() > 100 && png.getHeight() > 100);
    }

    @Test
    void pairWiseAutoAndMinusSignals() throws Exception {
        Path a = fixtures().resolve("A.npy");
        Path dir = tmp.resolve("pw");
        CliRun r = CliRun.run("dora", "--encodings", a.toString(), "--distance", "pair-wise", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode j = JSON.readTree(dir.resolve("dora.json").toFile());
        assertEquals("pair-wise", j.get("distance").asText());
        assertEquals(5, j.get("outliers").get(0).asInt());

        Path auto = tmp.resolve("auto");
        r = CliRun.run("dora", "--encodings", a.toString(), "--contamination", "auto", "--n-neighbors", "5", "--out",
                auto.toString());
        assertEquals(0, r.exit(), r.err());
        j = JSON.readTree(auto.resolve("dora.json").toFile());
        assertEquals(-1.5, j.get("offset").asDouble());
        assertEquals("auto", j.get("params").get("contamination").asText());
        assertEquals(5, j.get("params").get("n_neighbors_used").asInt());

        Path both = tmp.resolve("both");
        r = CliRun.run("dora", "--encodings", a.toString(), "--encodings-minus", a.toString(), "--out", both.toString());
        assertEquals(0, r.exit(), r.err());
        // Identical '−' encodings leave every direction, so every distance, unchanged.
        assertArrayEquals(NpyReader.read(both.resolve("distances.npy")).toDoubleRowMajor(),
                NpyReader.read(fixtures().resolve("D_layerwise_float64.npy")).toDoubleRowMajor(), 1e-12);
    }

    @Test
    void deadNeuronsAreReportedAndExcludedUnlessNanToZero() throws Exception {
        float[] a = NpyReader.read(fixtures().resolve("A.npy")).toFloatRowMajor();
        int k = 24;
        int n = 3;
        for (int j = 0; j < k; j++) {
            for (int s = 0; s < n; s++) {
                a[(4 * k + j) * n + s] = 0;
            }
        }
        Path file = tmp.resolve("dead.npy");
        NpyWriter.writeFloat32(file, a, k, k, n);
        Path dir = tmp.resolve("dead");
        CliRun r = CliRun.run("dora", "--encodings", file.toString(), "--distance", "pair-wise", "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode j = JSON.readTree(dir.resolve("dora.json").toFile());
        assertEquals(4, j.get("dead").get(0).asInt());
        assertEquals(4, j.get("excluded").get(0).asInt());
        assertTrue(j.get("negative_outlier_factor").get(4).isNull());
        assertEquals(23, j.get("nan_pairs").size());
        assertEquals(23, j.get("ranking").size());
        assertTrue(Double.isNaN(NpyReader.read(dir.resolve("distances.npy")).toDoubleRowMajor()[4 * k]));

        Path compat = tmp.resolve("compat");
        r = CliRun.run("dora", "--encodings", file.toString(), "--distance", "pair-wise", "--nan-to-zero", "--out",
                compat.toString());
        assertEquals(0, r.exit(), r.err());
        j = JSON.readTree(compat.resolve("dora.json").toFile());
        assertEquals(0, j.get("excluded").size());
        assertEquals(4, j.get("dead").get(0).asInt());
        assertFalse(j.get("negative_outlier_factor").get(4).isNull());
        assertEquals(0.0, NpyReader.read(compat.resolve("distances.npy")).toDoubleRowMajor()[4 * k]);
    }

    @Test
    void thumbnailsAreEmbedded() throws Exception {
        Path thumbs = Files.createDirectories(tmp.resolve("sams"));
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", thumbs.resolve("17_0+.png")
                .toFile());
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", thumbs.resolve("3.png").toFile());
        Path dir = tmp.resolve("thumbs");
        CliRun r = CliRun.run("dora", "--encodings", fixtures().resolve("A.npy").toString(), "--thumbnails", thumbs.toString(),
                "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        String svg = Files.readString(dir.resolve("atlas.svg"));
        assertEquals(2, svg.split("data:image/png;base64,", -1).length - 1);
    }

    @Test
    void badInputNamesTheFileAndShape() throws Exception {
        Path out = tmp.resolve("bad");
        Path rect = tmp.resolve("rect.npy");
        NpyWriter.writeFloat32(rect, new float[4 * 5 * 2], 4, 5, 2);
        assertError(CliRun.run("dora", "--encodings", rect.toString(), "--out", out.toString()), "rect.npy",
                "[4, 5, 2]");

        Path rank2 = tmp.resolve("rank2.npy");
        NpyWriter.writeFloat32(rank2, new float[16], 4, 4);
        assertError(CliRun.run("dora", "--encodings", rank2.toString(), "--out", out.toString()), "rank2.npy", "[4, 4]");

        Path nan = tmp.resolve("nan.npy");
        float[] v = new float[4 * 4 * 2];
        java.util.Arrays.fill(v, 1f);
        v[(2 * 4 + 1) * 2 + 1] = Float.NaN;
        NpyWriter.writeFloat32(nan, v, 4, 4, 2);
        assertError(CliRun.run("dora", "--encodings", nan.toString(), "--out", out.toString()), "nan.npy",
                "[4, 4, 2]", "[2, 1, 1]");

        Path ints = tmp.resolve("ints.npy");
        NpyWriter.writeInt64(ints, new long[8], 2, 2, 2);
        assertError(CliRun.run("dora", "--encodings", ints.toString(), "--out", out.toString()), "ints.npy", "int64");

        Path good = fixtures().resolve("A.npy");
        Path other = tmp.resolve("other.npy");
        NpyWriter.writeFloat32(other, new float[24 * 24 * 2], 24, 24, 2);
        assertError(CliRun.run("dora", "--encodings", good.toString(), "--encodings-minus", other.toString(), "--out",
                out.toString()), "other.npy", "[24, 24, 2]");

        assertError(CliRun.run("dora", "--encodings", tmp.resolve("missing.npy").toString(), "--out", out.toString()),
                "missing.npy");
        assertError(CliRun.run("dora", "--encodings", good.toString(), "--contamination", "0.7", "--out", out.toString()),
                "contamination");
        assertError(CliRun.run("dora", "--encodings", good.toString(), "--distance", "cosine", "--out", out.toString()),
                "layer-wise");
        assertError(CliRun.run("dora", "--encodings", good.toString(), "--n-neighbors", "0", "--out", out.toString()),
                "n_neighbors");
        assertFalse(Files.exists(out.resolve("dora.json")), "no results are left behind by a failed run");
    }

    private static void assertError(CliRun r, String... mustMention) {
        assertEquals(Neurowatch.EXIT_BAD_INPUT, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        for (String m : mustMention) {
            assertTrue(r.err().contains(m), "expected '" + m + "' in: " + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
