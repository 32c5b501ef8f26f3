package io.neurowatch.connectors.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CLIP-Dissect concept lists: quirk C2 (blank lines must not shift labels) and reported duplicates. */
class ConceptListReaderTest {
    @TempDir
    Path tmp;

    @Test
    void blankLinesAndTrailingNewlinesDoNotShiftLabels() throws Exception {
        Path f = tmp.resolve("c.txt");
        Files.writeString(f, "\uFEFFdog\n\n  cat  \r\n   \nbird\n\n");
        ConceptList list = ConceptListReader.read(f);
        assertEquals(List.of("dog", "cat", "bird"), list.concepts());
        assertArrayEquals(new int[] {0, 1, 2}, list.columns());
        assertEquals(3, list.entries());
        assertEquals(List.of(2, 4, 6), list.blankLines());
        assertTrue(list.warnings().get(0).contains("3 empty line(s): [2, 4, 6]"), list.warnings().toString());
    }

    @Test
    void duplicatesAreDroppedAndReportedWithTheirSimilarityColumn() throws Exception {
        ConceptList list = ConceptListReader.parse(Path.of("words.txt"), "a\nb\n\na\nc\nb\nd");
        assertEquals(List.of("a", "b", "c", "d"), list.concepts());
        // Columns of a matrix encoded from the non-empty lines a, b, a, c, b, d.
        assertArrayEquals(new int[] {0, 1, 3, 5}, list.columns());
        assertEquals(6, list.entries());
        assertEquals(List.of(new ConceptList.Duplicate("a", 4, 1), new ConceptList.Duplicate("b", 6, 2)),
                list.duplicates());
        String w = list.warnings().get(1);
        assertTrue(w.startsWith("words.txt: dropped 2 duplicate line(s)") && w.contains("'a' at line 4 (first at 1)"),
                w);
    }

    @Test
    void badFilesNameTheFile() throws Exception {
        Path empty = tmp.resolve("empty.txt");
        Files.writeString(empty, "\n  \n");
        FileFormatException e = assertThrows(FileFormatException.class, () -> ConceptListReader.read(empty));
        assertTrue(e.getMessage().contains("empty.txt") && e.getMessage().contains("no concepts"), e.getMessage());
        Path latin = tmp.resolve("latin1.txt");
        Files.write(latin, "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        FileFormatException u = assertThrows(FileFormatException.class, () -> ConceptListReader.read(latin));
        assertTrue(u.getMessage().contains("latin1.txt") && u.getMessage().contains("UTF-8"), u.getMessage());
    }
}
