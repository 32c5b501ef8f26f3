package io.neurowatch.ops.cli;

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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code neurowatch explain} end to end: real files in, JSON out, and clear errors for bad input. */
class ExplainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path fixtures() {
        return TestData.reference("invert");
    }



    private Path conceptsFile(int c) throws Exception {
        Path p = tmp.resolve("concepts.txt");
        Files.writeString(p, IntStream.range(0, c).mapToObj(i -> "c" + i).collect(Collectors.joining("\n")) + "\n");
        return p;
    }

    @Test
    void referenceCompatJsonMatchesTheReferenceFixture() throws Exception {
        Path out = tmp.resolve("r.json");
        CliRun r = CliRun.run("explain", "--activations", fixtures().resolve("A3.npy").toString(), "--labels",
                fixtures().resolve("Y3.npy").toString(), "--concepts", conceptsFile(40).toString(), "-L", "3", "-B",
                "5", "--limit-search", "10", "--min-fraction", "0.005", "--reference-compat", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode got = JSON.readTree(out.toFile());
        JsonNode want = JSON.readTree(fixtures().resolve("ref3.json").toFile());
        assertEquals(want.get("results").size(), got.get("results").size());
        for (int u = 0; u < want.get("results").size(); u++) {
            JsonNode w = want.get("results").get(u).get("explanations");
            JsonNode g = got.get("results").get(u).get("explanations");
            assertEquals(w.size(), g.size());
            for (int i = 0; i < w.size(); i++) {
                assertEquals(w.get(i).get("formula").asText(), g.get(i).get("formula").asText());
                assertEquals(w.get(i).get("concepts"), g.get(i).get("concepts"));
                assertEquals(w.get(i).get("support").asInt(), g.get(i).get("support").asInt());
                assertEquals(w.get(i).get("length").asInt(), g.get(i).get("length").asInt());
                assertEquals(w.get(i).get("auroc").asDouble(), g.get(i).get("auroc").asDouble(), 2e-7);
            }
        }
        assertTrue(r.out().contains("best explanation"), r.out());
        assertEquals(true, got.get("params").get("reference_compat").asBoolean());
    }

    @Test
    void hdf5SegmentsAndNpyGiveIdenticalResultsForAnyBatchSize() throws Exception {
        NpyArray a = NpyReader.read(fixtures().resolve("A1.npy"));
        float[] all = a.toFloatRowMajor();
        int n = (int) a.shape()[0];
        int d = (int) a.shape()[1];
        Path h5 = tmp.resolve("acts.h5");
        try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(h5)) {
            w.append(n, d, all);
        }
        Path concepts = conceptsFile(25);
        List<String> outputs = new ArrayList<>();
        for (String[] variant : new String[][] {{fixtures().resolve("A1.npy").toString(), "1"},
            {h5.toString(), "3"}, {h5.toString(), "256"}}) {
            Path out = tmp.resolve("r" + outputs.size() + ".json");
            CliRun r = CliRun.run("explain", "--activations", variant[0], "--labels", fixtures().resolve("Y1.npy").toString(),
                    "--concepts", concepts.toString(), "-L", "3", "-B", "3", "--feature-batch-size", variant[1],
                    "--threads", variant[1].equals("3") ? "1" : "2", "--quiet", "--out", out.toString());
            assertEquals(0, r.exit(), r.err());
            outputs.add(JSON.readTree(out.toFile()).get("results").toString());
        }
        assertEquals(outputs.get(0), outputs.get(1));
        assertEquals(outputs.get(0), outputs.get(2));
    }

    @Test
    void badInputsGiveOneClearLineAndExitCode2() throws Exception {
        Path concepts = conceptsFile(25);
        String acts = fixtures().resolve("A1.npy").toString();
        String labels = fixtures().resolve("Y1.npy").toString();
        Path out = tmp.resolve("x.json");

        // Labels with another number of rows.
        Path shortActs = tmp.resolve("short.npy");
        NpyWriter.write(shortActs, NpyArray.ofFloat32(new float[10 * 4], 10, 4));
        assertError(CliRun.run("explain", "--activations", shortActs.toString(), "--labels", labels, "--concepts",
                concepts.toString(), "-L", "1", "-B", "1", "--out", out.toString()), "3000");

        // Non-binary labels name the value and where it is.
        Path bad = tmp.resolve("labels2.npy");
        byte[] y = new byte[3000 * 25];
        y[5 * 25 + 7] = 2;
        NpyWriter.write(bad, NpyArray.ofUint8(y, 3000, 25));
        assertError(CliRun.run("explain", "--activations", acts, "--labels", bad.toString(), "--concepts",
                concepts.toString(), "-L", "1", "-B", "1", "--out", out.toString()), "labels2.npy");

        // Wrong concept count.
        Path few = tmp.resolve("few.txt");
        Files.writeString(few, "a\nb\n");
        assertError(CliRun.run("explain", "--activations", acts, "--labels", labels, "--concepts", few.toString(), "-L",
                "1", "-B", "1", "--out", out.toString()), "25");

        // Duplicate concept ids.
        Path dup = tmp.resolve("dup.txt");
        Files.writeString(dup, "a\nb\na\n");
        assertError(CliRun.run("explain", "--activations", acts, "--labels", labels, "--concepts", dup.toString(), "-L",
                "1", "-B", "1", "--out", out.toString()), "duplicate");

        // Truncated npy.
        Path trunc = tmp.resolve("trunc.npy");
        byte[] whole = Files.readAllBytes(fixtures().resolve("A1.npy"));
        Files.write(trunc, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertError(CliRun.run("explain", "--activations", trunc.toString(), "--labels", labels, "--concepts",
                concepts.toString(), "-L", "1", "-B", "1", "--out", out.toString()), "trunc.npy");

        // limit_search beyond 2C.
        assertError(CliRun.run("explain", "--activations", acts, "--labels", labels, "--concepts", concepts.toString(),
                "-L", "2", "-B", "1", "--limit-search", "51", "--out", out.toString()), "limit_search");
        assertFalse(Files.exists(out), "no results file is left behind by a failed run");
    }

    @Test
    void nanActivationsFailOnlyThatUnitNamingTheRow() throws Exception {
        NpyArray a = NpyReader.read(fixtures().resolve("A1.npy"));
        float[] v = a.toFloatRowMajor();
        v[17 * 4 + 2] = Float.NaN;
        Path nan = tmp.resolve("nan.npy");
        NpyWriter.write(nan, NpyArray.ofFloat32(v, 3000, 4));
        Path out = tmp.resolve("nan.json");
        CliRun r = CliRun.run("explain", "--activations", nan.toString(), "--labels", fixtures().resolve("Y1.npy").toString(),
                "--concepts", conceptsFile(25).toString(), "-L", "2", "-B", "2", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode unit2 = JSON.readTree(out.toFile()).get("results").get(2);
        assertEquals("error", unit2.get("status").asText());
        assertTrue(unit2.get("message").asText().contains("row 17"), unit2.toString());
        assertEquals("ok", JSON.readTree(out.toFile()).get("results").get(1).get("status").asText());
    }

    private static void assertError(CliRun r, String mustMention) {
        assertEquals(Neurowatch.EXIT_BAD_INPUT, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().contains(mustMention), "expected '" + mustMention + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
