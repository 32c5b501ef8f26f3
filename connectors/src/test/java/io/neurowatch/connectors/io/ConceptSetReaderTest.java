package io.neurowatch.connectors.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.Concept;
import io.neurowatch.core.ConceptSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConceptSetReaderTest {
    @TempDir
    Path tmp;

    private static void assertContains(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void referenceDescriptionJsonKeepsOffsetsVerbatimInKeyOrder() throws IOException {
        Path f = Files.writeString(tmp.resolve("descriptions.json"), """
                {"1": {"name": "bow", "definition": "a weapon", "offset": 2879718},
                 "0": {"name": "bowtie", "definition": "a tie", "offset": "n02883344"},
                 "2": {"name": "tench", "offset": "01440764"}}
                """);
        ConceptSet s = ConceptSetReader.read(f);
        assertEquals(List.of(new Concept("n02883344", "bowtie", "a tie"), new Concept("2879718", "bow", "a weapon"),
                new Concept("01440764", "tench", "")), s.asList());
    }

    @Test
    void jsonIsRecognisedByItsFirstCharacterWithoutExtension() throws IOException {
        Path f = Files.writeString(tmp.resolve("concepts.txt"), "\n  {\"0\": {\"name\": \"a\", \"offset\": 7}}");
        assertEquals(List.of(new Concept("7", "a", "")), ConceptSetReader.read(f).asList());
    }

    @Test
    void jsonKeysMustBeExactlyZeroToCMinusOne() throws IOException {
        Path f = Files.writeString(tmp.resolve("gap.json"), """
                {"0": {"offset": "a"}, "2": {"offset": "b"}, "03": {"offset": "c"}}
                """);
        FileFormatException e = assertThrows(FileFormatException.class, () -> ConceptSetReader.read(f));
        assertContains(e, "gap.json", "missing [\"1\"]", "unexpected [\"03\"]");
        Path g = Files.writeString(tmp.resolve("extra.json"), "{\"0\": {\"offset\": 1}, \"x\": {\"offset\": 2}}");
        assertContains(assertThrows(FileFormatException.class, () -> ConceptSetReader.read(g)),
                "missing [\"1\"]", "unexpected [\"x\"]");
    }

    @Test
    void duplicateIdsNameBothKeysOrLines() throws IOException {
        Path f = Files.writeString(tmp.resolve("dup.json"), """
                {"0": {"offset": 5}, "1": {"offset": "x"}, "2": {"offset": "5"}}
                """);
        assertContains(assertThrows(FileFormatException.class, () -> ConceptSetReader.read(f)),
                "dup.json", "duplicate concept id '5'", "keys \"0\" and \"2\"");
        Path t = Files.writeString(tmp.resolve("dup.txt"), "dog\n\ncat\n  dog  \n");
        assertContains(assertThrows(FileFormatException.class, () -> ConceptSetReader.read(t)),
                "dup.txt", "duplicate concept 'dog'", "lines 1 and 4");
    }

    @Test
    void missingOffsetMalformedJsonAndEmptyFiles() throws IOException {
        Path f = Files.writeString(tmp.resolve("nooffset.json"), "{\"0\": {\"name\": \"a\"}}");
        assertContains(assertThrows(FileFormatException.class, () -> ConceptSetReader.read(f)),
                "nooffset.json", "key \"0\" has no \"offset\"");
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"0\": {\"offset\": 1},}");
        assertContains(assertThrows(FileFormatException.class, () -> ConceptSetReader.read(bad)),
                "bad.json", "malformed JSON", "line 1");
        Path dupKey = Files.writeString(tmp.resolve("dupkey.json"), "{\"0\": {\"offset\": 1}, \"0\": {\"offset\": 2}}");
        assertContains(assertThrows(FileFormatException.class, () -> ConceptSetReader.read(dupKey)),
                "malformed JSON", "Duplicate field '0'");
        Path array = Files.writeString(tmp.resolve("array.json"), "[\"a\"]");
        assertContains(assertThrows(FileFormatException.class, () -> ConceptSetReader.read(array)),
                "must be an object");
        Path empty = Files.writeString(tmp.resolve("empty.txt"), " \n\n");
        assertContains(assertThrows(FileFormatException.class, () -> ConceptSetReader.read(empty)),
                "empty.txt", "no concepts");
    }

    @Test
    void textFileOneConceptPerLine() throws IOException {
        Path f = Files.writeString(tmp.resolve("names.txt"), "\uFEFFdog\r\n  cat \r\n\r\nhot dog\n");
        ConceptSet s = ConceptSetReader.read(f);
        assertEquals(List.of(Concept.of("dog"), Concept.of("cat"), Concept.of("hot dog")), s.asList());
        assertEquals(2, s.indexOf("hot dog"));
    }
}
