package io.neurowatch.connectors.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.core.Concept;
import io.neurowatch.core.ConceptSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the concepts that label columns refer to, in column order. Two formats:
 * <ul>
 *   <li>the reference's description JSON: an object with keys {@code "0"} .. {@code "C-1"}, each
 *   {@code {"name": ..., "definition": ..., "offset": ...}}. The concept id is the {@code offset} exactly as
 *   written (a string as is, a number as its decimal digits, e.g. {@code 2883344}); name and definition are
 *   taken as given. The keys must be exactly 0..C-1.</li>
 *   <li>plain text, one concept per line: lines are trimmed, blank lines skipped, id = name = the line.</li>
 * </ul>
 * JSON is chosen for a {@code .json} extension or when the first non-blank character is {@code '{'}.
 *
 * <p>Stateless and thread-safe. Content problems (malformed JSON, missing or extra keys, missing offset, duplicate
 * ids naming both keys or lines, an empty file) are {@link FileFormatException}s naming the file.
 */
public final class ConceptSetReader {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_LISTED = 20;

    private ConceptSetReader() {
    }

    /** @throws IOException if the file cannot be read; {@link FileFormatException} for content problems */
    public static ConceptSet read(Path file) throws IOException {
        String text = decode(file, Files.readAllBytes(file));
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                || text.stripLeading().startsWith("{");
        return json ? readJson(file, text) : readText(file, text);
    }

    private static ConceptSet readJson(Path file, String text) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FileFormatException(file, "malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()), e);
        }
        if (root == null || !root.isObject()) {
            throw new FileFormatException(file, "concept JSON must be an object with keys \"0\"..\"C-1\"; found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        int n = root.size();
        if (n == 0) {
            throw new FileFormatException(file, "contains no concepts");
        }
        TreeSet<Integer> missing = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            missing.add(i);
        }
        List<String> extra = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            Integer idx = canonicalIndex(key);
            if (idx != null && idx < n) {
                missing.remove(idx);
            } else {
                extra.add(key);
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new FileFormatException(file, "keys must be exactly \"0\"..\"" + (n - 1) + "\" (one per label"
                    + " column); missing " + abbreviate(new ArrayList<>(missing)) + ", unexpected "
                    + abbreviate(extra));
        }
        List<Concept> concepts = new ArrayList<>(n);
        Map<String, String> firstKeyById = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String key = Integer.toString(i);
            JsonNode entry = root.get(key);
            if (!entry.isObject()) {
                throw new FileFormatException(file, "key \"" + key + "\" must map to an object with name,"
                        + " definition and offset; found " + entry);
            }
            String id = offset(file, key, entry.get("offset"));
            String prev = firstKeyById.putIfAbsent(id, key);
            if (prev != null) {
                throw new FileFormatException(file, "duplicate concept id '" + id + "' at keys \"" + prev
                        + "\" and \"" + key + "\"");
            }
            concepts.add(new Concept(id, text(file, key, entry, "name"), text(file, key, entry, "definition")));
        }
        return ConceptSet.of(concepts);
    }

    private static String offset(Path file, String key, JsonNode offset) throws FileFormatException {
        if (offset == null || offset.isNull()) {
            throw new FileFormatException(file, "key \"" + key + "\" has no \"offset\" (the concept id)");
        }
        String id;
        if (offset.isTextual()) {
            id = offset.textValue();
        } else if (offset.isIntegralNumber()) {
            id = offset.bigIntegerValue().toString();
        } else if (offset.isNumber()) {
            id = offset.decimalValue().toString();
        } else {
            throw new FileFormatException(file, "key \"" + key + "\": \"offset\" must be a string or a number;"
                    + " found " + offset);
        }
        if (id.isBlank()) {
            throw new FileFormatException(file, "key \"" + key + "\": \"offset\" is blank");
        }
        return id;
    }

    private static String text(Path file, String key, JsonNode entry, String field) throws FileFormatException {
        JsonNode v = entry.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new FileFormatException(file, "key \"" + key + "\": \"" + field + "\" must be text; found " + v);
        }
        return v.asText();
    }

    private static ConceptSet readText(Path file, String text) throws IOException {
        List<Concept> concepts = new ArrayList<>();
        Map<String, Integer> firstLineById = new HashMap<>();
        String[] lines = text.split("\r\n|\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            String name = lines[i].strip();
            if (name.isEmpty()) {
                continue;
            }
            Integer prev = firstLineById.putIfAbsent(name, i + 1);
            if (prev != null) {
                throw new FileFormatException(file, "duplicate concept '" + name + "' at lines " + prev + " and "
                        + (i + 1));
            }
            concepts.add(Concept.of(name));
        }
        if (concepts.isEmpty()) {
            throw new FileFormatException(file, "contains no concepts");
        }
        return ConceptSet.of(concepts);
    }

    /** The index a key denotes if it is written canonically ("7", not "07" or "+7"), else null. */
    private static Integer canonicalIndex(String key) {
        if (key.isEmpty() || key.length() > 9 || (key.length() > 1 && key.charAt(0) == '0')) {
            return null;
        }
        for (int i = 0; i < key.length(); i++) {
            if (!Character.isDigit(key.charAt(i)) || key.charAt(i) > '9') {
                return null;
            }
        }
        return Integer.parseInt(key);
    }

    private static String abbreviate(List<?> items) {
        if (items.isEmpty()) {
            return "none";
        }
        List<String> quoted = new ArrayList<>();
        for (Object o : items.subList(0, Math.min(items.size(), MAX_LISTED))) {
            quoted.add("\"" + o + "\"");
        }
        return quoted + (items.size() > MAX_LISTED ? " and " + (items.size() - MAX_LISTED) + " more" : "");
    }

    private static String decode(Path file, byte[] bytes) throws FileFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "is not valid UTF-8 text", e);
        }
    }
}
