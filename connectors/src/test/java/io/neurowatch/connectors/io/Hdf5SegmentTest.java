package io.neurowatch.connectors.io;

import static io.neurowatch.connectors.io.Hdf5Assertions.assertBlockSplitsAgree;
import static io.neurowatch.connectors.io.Hdf5Assertions.assertColumns;
import static io.neurowatch.connectors.io.Hdf5Assertions.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hdf5SegmentTest {
    @TempDir
    Path tmp;

    private static void assertContains(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    private static void writeFile(Path f, float[][] rows) throws IOException {
        try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(f, Hdf5WriteOptions.defaults().withChunks(64, 8))) {
            w.append(rows);
        }
    }

    @Test
    void threeSegmentsReadAsTheirConcatenation() throws IOException {
        Path dir = tmp.resolve("store");
        float[][] a = TestFiles.matrix(250, 40, 1);
        float[][] b = TestFiles.matrix(400, 40, 2);
        float[][] c = TestFiles.matrix(173, 40, 3);
        try (Hdf5SegmentWriter w = Hdf5SegmentWriter.open(dir, Hdf5WriteOptions.defaults().withChunks(64, 16)
                .withFeatureShape(10, 2, 2).withLayer("fc"), 0)) {
            w.append(a);
            assertEquals(dir.resolve("seg-000000.h5"), w.flush());
            w.append(b);
            w.flush();
            assertNull(w.flush(), "nothing buffered, nothing written");
            w.append(c);
            assertEquals(823, w.rows());
        }
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        assertEquals(1, manifest.get("version").intValue());
        assertEquals(40, manifest.get("features").intValue());
        assertEquals("seg-000002.h5", manifest.get("segments").get(2).get("file").textValue());
        assertEquals(173, manifest.get("segments").get(2).get("rows").longValue());

        float[][] all = concat(a, b, c);
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(dir)) {
            assertEquals(3, src.files().size());
            assertEquals("fc", src.layer().orElseThrow());
            assertTrue(Arrays.equals(new int[] {10, 2, 2}, src.featureShape().orElseThrow()));
            assertColumns(all, src, 16);
            assertColumns(all, src, 40);
            assertBlockSplitsAgree(src, 1, 3, 16, 39);
        }
        // The same rows in a single file give the same columns: segmentation is invisible to readers.
        Path single = tmp.resolve("single.h5");
        writeFile(single, all);
        try (Hdf5ActivationSource one = Hdf5ActivationSource.open(single);
             Hdf5ActivationSource seg = Hdf5ActivationSource.open(dir)) {
            for (int j = 0; j < 40; j += 9) {
                int to = Math.min(40, j + 9);
                assertTrue(Arrays.deepEquals(one.readColumns(j, to), seg.readColumns(j, to)));
            }
        }
    }

    @Test
    void fullSegmentsAreWrittenAsTheyFillAndReopeningContinuesTheSequence() throws IOException {
        Path dir = tmp.resolve("stream");
        float[][] first = TestFiles.matrix(250, 6, 4);
        try (Hdf5SegmentWriter w = Hdf5SegmentWriter.open(dir, Hdf5WriteOptions.defaults(), 100)) {
            float[] flat = new float[250 * 6];
            for (int i = 0; i < 250; i++) {
                System.arraycopy(first[i], 0, flat, i * 6, 6);
            }
            w.append(250, 6, flat);
            assertEquals(2, w.segments().size(), "two full segments of 100 rows, 50 rows buffered");
        }
        float[][] second = TestFiles.matrix(30, 6, 5);
        try (Hdf5SegmentWriter w = Hdf5SegmentWriter.open(dir, Hdf5WriteOptions.defaults(), 100)) {
            assertEquals(250, w.rows());
            assertEquals(6, w.features());
            assertContains(assertThrows(IllegalArgumentException.class, () -> w.append(new float[][] {{1, 2}})),
                    "D = 2", "D = 6");
            w.append(second);
        }
        assertTrue(Files.exists(dir.resolve("seg-000003.h5")));
        try (Hdf5SegmentWriter w = Hdf5SegmentWriter.open(dir, Hdf5WriteOptions.defaults().withFeatureShape(2, 2), 0)) {
            assertContains(assertThrows(IllegalArgumentException.class, () -> w.append(new float[][] {new float[6]})),
                    "feature_shape [2, 2]", "D = 6");
        }
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(dir)) {
            assertEquals(List.of(dir.resolve("seg-000000.h5"), dir.resolve("seg-000001.h5"),
                    dir.resolve("seg-000002.h5"), dir.resolve("seg-000003.h5")), src.files());
            assertColumns(concat(first, second), src, 4);
        }
    }

    @Test
    void withoutManifestTheNumberInTheNameOrdersSegments() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("named"));
        float[][] r1 = TestFiles.matrix(3, 4, 1);
        float[][] r2 = TestFiles.matrix(5, 4, 2);
        float[][] r10 = TestFiles.matrix(2, 4, 3);
        writeFile(dir.resolve("part-10.h5"), r10);
        writeFile(dir.resolve("part-2.h5"), r2);
        writeFile(dir.resolve("part-1.h5"), r1);
        Files.writeString(dir.resolve(".part-11.h5.0123.tmp"), "half-written temp file, ignored");
        Files.writeString(dir.resolve("notes.txt"), "not a segment");
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(dir)) {
            assertColumns(concat(r1, r2, r10), src, 4);
        }
        // A writer adopting the directory lists the scanned order and continues after the largest number.
        try (Hdf5SegmentWriter w = Hdf5SegmentWriter.open(dir)) {
            assertEquals(10, w.rows());
            w.append(r1);
        }
        assertTrue(Files.exists(dir.resolve("seg-000011.h5")));
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(dir)) {
            assertColumns(concat(r1, r2, r10, r1), src, 4);
        }
    }

    @Test
    void manifestOrderWinsOverNames() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ordered"));
        float[][] a = TestFiles.matrix(3, 2, 1);
        float[][] b = TestFiles.matrix(4, 2, 2);
        writeFile(dir.resolve("seg-000000.h5"), a);
        writeFile(dir.resolve("seg-000001.h5"), b);
        Files.writeString(dir.resolve("manifest.json"), """
                {"version": 1, "segments": [{"file": "seg-000001.h5", "rows": 4}, {"file": "seg-000000.h5", "rows": 3}]}
                """);
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(dir)) {
            assertColumns(concat(b, a), src, 2);
        }
        Files.writeString(dir.resolve("manifest.json"), """
                {"version": 1, "segments": [{"file": "seg-000001.h5", "rows": 5}]}
                """);
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(dir)),
                "seg-000001.h5", "has 4 rows", "says 5");
        Files.writeString(dir.resolve("manifest.json"), """
                {"version": 1, "features": 3, "segments": [{"file": "seg-000001.h5", "rows": 4}]}
                """);
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(dir)),
                "features = 3", "D = 2");
        Files.writeString(dir.resolve("manifest.json"), "{\"version\": 2, \"segments\": []}");
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(dir)),
                "manifest.json", "version 2");
        Files.writeString(dir.resolve("manifest.json"), """
                {"version": 1, "segments": [{"file": "../seg-000001.h5", "rows": 4}]}
                """);
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(dir)),
                "segments[0].file");
        Files.writeString(dir.resolve("manifest.json"), "{\"version\": 1, \"segments\": []}");
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(dir)),
                "lists no segments");
    }

    @Test
    void segmentsWithDifferentDNameBothFiles() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mixed"));
        writeFile(dir.resolve("seg-000000.h5"), TestFiles.matrix(3, 8, 1));
        writeFile(dir.resolve("seg-000001.h5"), TestFiles.matrix(3, 9, 1));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(dir));
        assertContains(e, "seg-000001.h5", "D = 9", "seg-000000.h5", "D = 8");
        assertThrows(FileFormatException.class, () -> Hdf5SegmentWriter.open(dir));
    }

    @Test
    void emptyDirectoryAndUnnumberedFilesAreErrors() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(empty)),
                "empty", "no segment files");
        Path odd = Files.createDirectories(tmp.resolve("odd"));
        writeFile(odd.resolve("activations.h5"), TestFiles.matrix(2, 2, 1));
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(odd)),
                "activations.h5", "no sequence number");
        Path twice = Files.createDirectories(tmp.resolve("twice"));
        writeFile(twice.resolve("a-1.h5"), TestFiles.matrix(2, 2, 1));
        writeFile(twice.resolve("b-001.h5"), TestFiles.matrix(2, 2, 1));
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(twice)),
                "same sequence number 1");
    }

    @Test
    void oneWriterPerDirectory() throws IOException {
        Path dir = tmp.resolve("locked");
        try (Hdf5SegmentWriter w = Hdf5SegmentWriter.open(dir)) {
            IOException e = assertThrows(IOException.class, () -> Hdf5SegmentWriter.open(dir));
            assertContains(e, "another writer");
            w.append(new float[][] {{1, 2}});
        }
        try (Hdf5SegmentWriter again = Hdf5SegmentWriter.open(dir)) {
            assertEquals(1, again.rows());
        }
    }

    @Test
    void closingAnEmptyWriterWritesNothing() throws IOException {
        Path dir = tmp.resolve("nothing");
        try (Hdf5SegmentWriter w = Hdf5SegmentWriter.open(dir)) {
            assertEquals(-1, w.features());
        }
        assertTrue(Files.notExists(dir.resolve("manifest.json")));
        assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(dir));
    }
}
