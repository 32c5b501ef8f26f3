package io.neurowatch.connectors.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CLIP-Dissect concept list: UTF-8 text, one concept per line, lines trimmed, empty lines dropped, and
 * repeated lines dropped after their first occurrence. Unlike {@link ConceptSetReader} (INVERT's label columns,
 * where a duplicate id is an error) duplicates are kept as warnings, because published word lists contain them and
 * the reference encodes them; {@link ConceptList#columns()} says which similarity column each kept concept has.
 *
 * <p>Stateless and thread-safe. Content problems (invalid UTF-8, no concept at all) are
 * {@link FileFormatException}s naming the file.
 */
public final class ConceptListReader {
    private ConceptListReader() {
    }

    /** @throws IOException if the file cannot be read; {@link FileFormatException} for content problems */
    public static ConceptList read(Path file) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "is not valid UTF-8 text", e);
        }
        return parse(file, text);
    }

    /**
     * Parses text already in memory.
     *
     * @param source named in messages and kept in the result
     * @throws FileFormatException if no line holds a concept
     */
    public static ConceptList parse(Path source, String text) throws FileFormatException {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r\n|\n|\r", -1);
        // A final line terminator leaves one empty piece that is not a line of the file.
        int count = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
        List<String> concepts = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        List<Integer> blank = new ArrayList<>();
        List<ConceptList.Duplicate> duplicates = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        int entries = 0;
        for (int i = 0; i < count; i++) {
            String name = lines[i].strip();
            if (name.isEmpty()) {
                blank.add(i + 1);
                continue;
            }
            int column = entries++;
            Integer prev = firstLine.putIfAbsent(name, i + 1);
            if (prev != null) {
                duplicates.add(new ConceptList.Duplicate(name, i + 1, prev));
                continue;
            }
            concepts.add(name);
            columns.add(column);
        }
        if (concepts.isEmpty()) {
            throw new FileFormatException(source, "contains no concepts (every line is empty)");
        }
        return new ConceptList(source, concepts, columns.stream().mapToInt(Integer::intValue).toArray(), entries,
                blank, duplicates);
    }
}
