package io.neurowatch.connectors.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text concept list as CLIP-Dissect uses it (spec clip-dissect.md §2, quirk C2), parsed once so that the
 * encoded texts and the looked-up labels cannot drift apart. Immutable.
 *
 * @param source the file
 * @param concepts the distinct, trimmed, non-empty lines in file order (first occurrence kept)
 * @param columns for each concept, its position among the non-empty lines: the column it has in a similarity matrix
 *     computed from the file's non-empty lines, duplicates included (what the reference encodes)
 * @param entries the number of non-empty lines, duplicates included
 * @param blankLines 1-based numbers of the empty or whitespace-only lines that were dropped (a final newline does
 *     not count)
 * @param duplicates lines dropped because an earlier line has the same text
 */
public record ConceptList(Path source, List<String> concepts, int[] columns, int entries, List<Integer> blankLines,
                          List<Duplicate> duplicates) {

    /** A dropped line: {@code concept} at {@code line} repeats {@code firstLine} (both 1-based). */
    public record Duplicate(String concept, int line, int firstLine) {
    }

    private static final int MAX_LISTED = 10;

    public ConceptList {
        concepts = List.copyOf(concepts);
        columns = columns.clone();
        blankLines = List.copyOf(blankLines);
        duplicates = List.copyOf(duplicates);
    }

    @Override
    public int[] columns() {
        return columns.clone();
    }

    /** Number of distinct concepts. */
    public int size() {
        return concepts.size();
    }

    /** One line per kind of problem, naming the file and (up to ten) line numbers; empty if the list is clean. */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        if (!blankLines.isEmpty()) {
            out.add(source + ": dropped " + blankLines.size() + " empty line(s): " + abbreviate(blankLines));
        }
        if (!duplicates.isEmpty()) {
            List<String> d = new ArrayList<>();
            for (Duplicate dup : duplicates) {
                d.add("'" + dup.concept() + "' at line " + dup.line() + " (first at " + dup.firstLine() + ")");
            }
            out.add(source + ": dropped " + duplicates.size() + " duplicate line(s): " + abbreviate(d));
        }
        return out;
    }

    private static String abbreviate(List<?> items) {
        List<?> head = items.subList(0, Math.min(items.size(), MAX_LISTED));
        String s = head.toString();
        return items.size() > MAX_LISTED ? s + " and " + (items.size() - MAX_LISTED) + " more" : s;
    }
}
