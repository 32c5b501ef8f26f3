package io.neurowatch.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench stream} on a tiny stream: every phase reports, and the timed analyzer archived every sample of the
 * topic exactly once (the figures themselves are the machine's; no timing is asserted).
 */
class BenchStreamCommandTest {
    private static final Pattern RATE = Pattern.compile("analyzer \\(archive \\+ statistics\\): ([0-9,]+) samples/s");

    @TempDir
    Path tmp;

    @Test
    void reportsCeilingAnalyzerLatencyAndArchivesEverySampleOnce() throws IOException {
        CliRun run = CliRun.run("bench", "stream", "--samples", "2048", "--features", "16", "--batch", "128",
                "--warmup-samples", "512", "--warmup-rounds", "1", "--latency-rate", "256",
                "--work-dir", tmp.toString());
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        Matcher m = RATE.matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1).replace(",", "")) > 0, out);
        for (String line : List.of("warm-up: both sides 1 x over 512 samples", "ceiling  (bare KafkaConsumer):",
                "ratio to the first ceiling", "ceiling again:", "ratio of the analyzer to the mean ceiling",
                "latency produce -> statistics,", "peak RSS:")) {
            assertTrue(out.contains(line), "missing '" + line + "' in:\n" + out);
        }
        // The timed analyzer's archive: sample ids 0 .. 2047, each once, over the layers (one per partition).
        List<Path> layers;
        try (Stream<Path> s = Files.walk(tmp)) {
            layers = s.filter(p -> p.endsWith("manifest.json") && p.toString().contains("/analyzer/"))
                    .map(Path::getParent).toList();
        }
        assertTrue(!layers.isEmpty(), "no archive manifest under " + tmp);
        long rows = 0;
        java.util.BitSet seen = new java.util.BitSet();
        for (Path layer : layers) {
            JsonNode manifest = new ObjectMapper().readTree(layer.resolve("manifest.json").toFile());
            for (JsonNode seg : manifest.get("segments")) {
                rows += seg.get("rows").longValue();
                try (io.jhdf.HdfFile f = new io.jhdf.HdfFile(layer.resolve(seg.get("file").textValue()))) {
                    for (long id : (long[]) f.getDatasetByPath("sample_id").getData()) {
                        assertTrue(!seen.get((int) id), "sample " + id + " archived twice");
                        seen.set((int) id);
                    }
                }
            }
        }
        assertTrue(rows >= 2048, "archived rows " + rows + " (the latency phase may add its own)");
        // The latency phase appends its own records, with the ids that follow.
        assertTrue(seen.nextClearBit(0) >= 2048, "sample " + seen.nextClearBit(0) + " is not archived");
    }
}
