package io.neurowatch.ops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.connectors.io.Hdf5ActivationWriter;
import io.neurowatch.connectors.io.NpyArray;
import io.neurowatch.connectors.io.NpyReader;
import io.neurowatch.connectors.io.NpyWriter;
import io.neurowatch.testkit.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code neurowatch dissect} end to end on the CLIP-Dissect reference fixture. */
class DissectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path fixtures() {
        return TestData.reference("clip_dissect/case1");
    }



    private Path concepts(String text) throws Exception {
        Path p = tmp.resolve("concepts" + text.hashCode() + ".txt");
        Files.writeString(p, text);
        return p;
    }

    private Path plainConcepts() throws Exception {
        return concepts(IntStream.range(0, 40).mapToObj(i -> "c" + i).collect(Collectors.joining("\n")) + "\n");
    }

    private String fixture(String name) {
        return fixtures().resolve(name).toString();
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    private static int[] labels(JsonNode results) {
        int[] out = new int[results.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = results.get(i).get("concept_index").asInt();
        }
        return out;
    }

    @Test
    void softWpmiJsonAndScoresMatchTheReference() throws Exception {
        Path out = tmp.resolve("d.json");
        Path scores = tmp.resolve("scores.npy");
        CliRun r = CliRun.run("dissect", "--activations", fixture("target_feats.npy"), "--similarity",
                fixture("clip_feats.npy"), "--concepts", plainConcepts().toString(), "--scores-out", scores.toString(),
                "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("c36") && r.out().contains("next best"), r.out());

        JsonNode got = JSON.readTree(out.toFile());
        JsonNode ref = JSON.readTree(fixtures().resolve("results.json").toFile()).get("results").get("soft_wpmi")
                .get("float64");
        assertEquals("soft_wpmi", got.get("function").asText());
        assertEquals(100, got.get("params").get("top_k").asInt());
        assertEquals(false, got.get("params").get("reference_compat").asBoolean());
        JsonNode results = got.get("results");
        assertEquals(12, results.size());
        assertArrayEquals(ints(ref.get("argmax")), labels(results));
        for (int u = 0; u < 12; u++) {
            JsonNode unit = results.get(u);
            assertEquals(u, unit.get("unit").asInt());
            assertEquals("ok", unit.get("status").asText());
            assertEquals("c" + unit.get("concept_index").asInt(), unit.get("concept").asText());
            assertEquals(ref.get("max").get(u).asDouble(), unit.get("score").asDouble(), 1e-4);
            assertEquals(5, unit.get("alternatives").size());
            assertTrue(unit.get("alternatives").get(0).get("score").asDouble() <= unit.get("score").asDouble());
            assertEquals(10, unit.get("top_samples").size());
        }
        assertEquals(12, got.get("summary").get("ok").asInt());

        NpyArray s = NpyReader.read(scores);
        assertArrayEquals(new long[] {12, 40}, s.shape());
        assertEquals(io.neurowatch.connectors.io.NpyDtype.FLOAT32, s.dtype());
        double[] want = NpyReader.read(fixtures().resolve("soft_wpmi_float64.npy")).toDoubleRowMajor();
        double[] have = s.toDoubleRowMajor();
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], have[i], 1e-4, "score " + i);
        }
    }

    @Test
    void referenceCompatRankReorderWithRecordedPermutationsReproducesTheReference() throws Exception {
        Path out = tmp.resolve("rr.json");
        Path scores = tmp.resolve("rr.npy");
        CliRun r = CliRun.run("dissect", "--activations", fixture("target_feats.npy"), "--similarity",
                fixture("clip_feats.npy"), "--concepts", plainConcepts().toString(), "--function", "rank_reorder",
                "--permutations", fixture("rank_reorder_perms.npy"), "--reference-compat", "--quiet",
                "--scores-out", scores.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.out());
        double[] want = NpyReader.read(fixtures().resolve("rank_reorder_float64.npy")).toDoubleRowMajor();
        double[] have = NpyReader.read(scores).toDoubleRowMajor();
        for (int i = 0; i < want.length; i++) {
            assertEquals((float) want[i], have[i], 0.0, "score " + i);
        }
        JsonNode got = JSON.readTree(out.toFile());
        JsonNode ref = JSON.readTree(fixtures().resolve("results.json").toFile()).get("results").get("rank_reorder")
                .get("float64");
        assertArrayEquals(ints(ref.get("argmax")), labels(got.get("results")));
        assertEquals(true, got.get("params").get("reference_compat").asBoolean());
    }

    @Test
    void blankAndDuplicateConceptLinesAreReportedAndDoNotShiftLabels() throws Exception {
        // P encoded from the non-empty lines as the reference does: 41 columns, the last one repeating "c3".
        NpyArray clip = NpyReader.read(fixtures().resolve("clip_feats.npy"));
        float[] p = clip.toFloatRowMajor();
        float[] p41 = new float[300 * 41];
        for (int i = 0; i < 300; i++) {
            System.arraycopy(p, i * 40, p41, i * 41, 40);
            p41[i * 41 + 40] = p[i * 40 + 3];
        }
        Path sim = tmp.resolve("p41.npy");
        NpyWriter.writeFloat32(sim, p41, 300, 41);
        String text = "\n" + IntStream.range(0, 40).mapToObj(i -> "  c" + i + " ").collect(Collectors.joining("\n\n"))
                + "\nc3\n\n";
        Path out = tmp.resolve("dup.json");
        CliRun r = CliRun.run("dissect", "--activations", fixture("target_feats.npy"), "--similarity", sim.toString(),
                "--concepts", concepts(text).toString(), "--quiet", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("warning:") && r.err().contains("'c3' at line 81 (first at 8)"), r.err());
        JsonNode got = JSON.readTree(out.toFile());
        assertEquals(2, got.get("warnings").size());
        assertEquals(40, got.get("inputs").get("C").asInt());

        Path plain = tmp.resolve("plain.json");
        assertEquals(0, CliRun.run("dissect", "--activations", fixture("target_feats.npy"), "--similarity",
                fixture("clip_feats.npy"), "--concepts", plainConcepts().toString(), "--quiet", "--out",
                plain.toString()).exit());
        assertEquals(JSON.readTree(plain.toFile()).get("results"), got.get("results"));
    }

    @Test
    void hdf5SimilarityGivesTheSameResults() throws Exception {
        NpyArray clip = NpyReader.read(fixtures().resolve("clip_feats.npy"));
        Path h5 = tmp.resolve("p.h5");
        try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(h5)) {
            w.append(300, 40, clip.toFloatRowMajor());
        }
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        Path c = plainConcepts();
        assertEquals(0, CliRun.run("dissect", "--activations", fixture("target_feats.npy"), "--similarity",
                fixture("clip_feats.npy"), "--concepts", c.toString(), "--function", "wpmi", "--quiet", "--out",
                a.toString()).exit());
        CliRun r = CliRun.run("dissect", "--activations", fixture("target_feats.npy"), "--similarity", h5.toString(),
                "--similarity-dataset", "Y", "--concepts", c.toString(), "--function", "wpmi", "--threads", "1",
                "--quiet", "--out", b.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(JSON.readTree(a.toFile()).get("results"), JSON.readTree(b.toFile()).get("results"));
    }

    @Test
    void badInputsGiveOneClearLineAndExitCode2() throws Exception {
        Path out = tmp.resolve("x.json");
        String acts = fixture("target_feats.npy");
        String sim = fixture("clip_feats.npy");
        String c40 = plainConcepts().toString();

        Path shortSim = tmp.resolve("short.npy");
        NpyWriter.writeFloat32(shortSim, new float[10 * 40], 10, 40);
        assertError(CliRun.run("dissect", "--activations", acts, "--similarity", shortSim.toString(), "--concepts", c40,
                "--out", out.toString()), "short.npy");

        assertError(CliRun.run("dissect", "--activations", acts, "--similarity", sim, "--concepts",
                concepts("a\nb\n").toString(), "--out", out.toString()), "40 concept columns");

        assertError(CliRun.run("dissect", "--activations", acts, "--similarity", sim, "--concepts", c40, "--function",
                "clip", "--out", out.toString()), "soft_wpmi");

        assertError(CliRun.run("dissect", "--activations", acts, "--similarity", sim, "--concepts", c40, "--top-k", "0",
                "--out", out.toString()), "top_k");

        Path labels = tmp.resolve("labels.npy");
        NpyWriter.writeUint8(labels, new byte[300 * 40], 300, 40);
        assertError(CliRun.run("dissect", "--activations", acts, "--similarity", labels.toString(), "--concepts", c40,
                "--out", out.toString()), "labels.npy");
        assertFalse(Files.exists(out), "no results file is left behind by a failed run");
    }

    @Test
    void tooFewImagesForTopKIsReportedPerUnit() throws Exception {
        Path out = tmp.resolve("few.json");
        CliRun r = CliRun.run("dissect", "--activations", fixture("target_feats.npy"), "--similarity",
                fixture("clip_feats.npy"), "--concepts", plainConcepts().toString(), "--top-k", "301", "--out",
                out.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode unit = JSON.readTree(out.toFile()).get("results").get(0);
        assertEquals("insufficient_data", unit.get("status").asText());
        assertTrue(unit.get("concept").isNull());
        assertTrue(unit.get("message").asText().contains("top_k = 301"), unit.toString());
    }

    private static void assertError(CliRun r, String mustMention) {
        assertEquals(Neurowatch.EXIT_BAD_INPUT, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: "), "[" + r.err() + "] out=[" + r.out() + "]");
        assertTrue(r.err().contains(mustMention), "expected '" + mustMention + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
