package io.neurowatch.connectors.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order of the segment files of a segment directory, {@code manifest.json}:
 * <pre>{@code
 * {"version": 1, "features": 512, "segments": [{"file": "seg-000000.h5", "rows": 1000}, ...]}
 * }</pre>
 * {@code file} is a plain file name inside the directory; {@code rows} its row count (checked against the file);
 * {@code features} (optional) is D. Unknown keys are ignored so later versions can add some. Without a manifest the
 * order is the number in the segment file names (see {@link #scan}).
 *
 * <p>Keys this class does not know are kept, not dropped: {@link #extra()} (top level) and {@link Entry#extra()}
 * (per segment) carry them through a read/write cycle, so a writer that only appends segments (e.g.
 * {@link Hdf5SegmentWriter}) preserves what a richer writer (the stream archive) recorded.
 *
 * <p>Immutable (the JSON of the extras is copied in and out). Public for the stream archive in
 * {@code io.neurowatch.connectors.archive}; not a general-purpose API.
 */
public final class SegmentManifest {
    public static final String FILE_NAME = "manifest.json";
    static final int VERSION = 1;
    /** The keys this class interprets; everything else is an extra. */
    private static final Set<String> TOP_KEYS = Set.of("version", "features", "segments");
    private static final Set<String> ENTRY_KEYS = Set.of("file", "rows");
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern DIGITS = Pattern.compile("(\\d+)");

    /**
     * One segment file, its row count and any further keys of its entry.
     *
     * @param file plain file name inside the directory
     * @param rows row count of dataset {@code Y} in the file
     * @param extra the entry's other keys (never null; copied; {@code file}/{@code rows} in it are ignored)
     */
    public record Entry(String file, long rows, ObjectNode extra) {
        public Entry {
            extra = extra == null ? JSON.createObjectNode() : extra.deepCopy();
        }

        public Entry(String file, long rows) {
            this(file, rows, null);
        }

        /** A copy: callers cannot change the entry through it. */
        @Override
        public ObjectNode extra() {
            return extra.deepCopy();
        }
    }

    private final List<Entry> segments;
    private final int features;
    private final ObjectNode extra;

    SegmentManifest(List<Entry> segments, int features) {
        this(segments, features, null);
    }

    /**
     * @param features D, or 0 to leave it out
     * @param extra further top-level keys (copied; may be null); the keys {@code version}, {@code features} and
     *     {@code segments} in it are ignored
     */
    public SegmentManifest(List<Entry> segments, int features, ObjectNode extra) {
        this.segments = List.copyOf(segments);
        this.features = features;
        this.extra = extra == null ? JSON.createObjectNode() : extra.deepCopy();
    }

    public List<Entry> segments() {
        return segments;
    }

    /** D, or 0 when the manifest does not say. */
    public int features() {
        return features;
    }

    /** The top-level keys other than {@code version}, {@code features} and {@code segments} (a copy). */
    public ObjectNode extra() {
        return extra.deepCopy();
    }

    /**
     * The manifest of {@code dir}, or null if it has none.
     *
     * @throws FileFormatException if it is not valid JSON or its known keys are invalid
     */
    public static SegmentManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new FileFormatException(file, "malformed JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new FileFormatException(file, "manifest must be a JSON object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw new FileFormatException(file, "unsupported manifest version " + version + " (expected "
                    + VERSION + ")");
        }
        int features = 0;
        JsonNode f = root.get("features");
        if (f != null && !f.isNull()) {
            if (!f.isInt() || f.intValue() <= 0) {
                throw new FileFormatException(file, "\"features\" must be a positive integer; found " + f);
            }
            features = f.intValue();
        }
        JsonNode segs = root.get("segments");
        if (segs == null || !segs.isArray()) {
            throw new FileFormatException(file, "\"segments\" must be an array of {\"file\", \"rows\"}");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < segs.size(); i++) {
            JsonNode s = segs.get(i);
            JsonNode name = s.get("file");
            JsonNode rows = s.get("rows");
            if (name == null || !name.isTextual() || !isPlainName(name.textValue())) {
                throw new FileFormatException(file, "segments[" + i + "].file must be a file name inside the"
                        + " directory; found " + name);
            }
            if (rows == null || !rows.canConvertToLong() || !rows.isIntegralNumber() || rows.longValue() < 0) {
                throw new FileFormatException(file, "segments[" + i + "].rows must be a non-negative integer;"
                        + " found " + rows);
            }
            if (!seen.add(name.textValue())) {
                throw new FileFormatException(file, "segment " + name.textValue() + " is listed twice");
            }
            if (!s.isObject()) {
                throw new FileFormatException(file, "segments[" + i + "] must be an object; found " + s);
            }
            entries.add(new Entry(name.textValue(), rows.longValue(), extrasOf((ObjectNode) s, ENTRY_KEYS)));
        }
        return new SegmentManifest(entries, features, extrasOf((ObjectNode) root, TOP_KEYS));
    }

    private static ObjectNode extrasOf(ObjectNode node, Set<String> known) {
        ObjectNode out = JSON.createObjectNode();
        node.fields().forEachRemaining(f -> {
            if (!known.contains(f.getKey())) {
                out.set(f.getKey(), f.getValue());
            }
        });
        return out;
    }

    /**
     * Replaces {@code dir/manifest.json} atomically, so readers see either the old or the new list.
     *
     * @throws IOException if the file cannot be written; the previous manifest is then unchanged
     */
    public void write(Path dir) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        if (features > 0) {
            root.put("features", features);
        }
        ArrayNode arr = root.putArray("segments");
        for (Entry e : segments) {
            ObjectNode o = arr.addObject().put("file", e.file()).put("rows", e.rows());
            e.extra.fields().forEachRemaining(f -> {
                if (!ENTRY_KEYS.contains(f.getKey())) {
                    o.set(f.getKey(), f.getValue());
                }
            });
        }
        extra.fields().forEachRemaining(f -> {
            if (!TOP_KEYS.contains(f.getKey())) {
                root.set(f.getKey(), f.getValue());
            }
        });
        byte[] bytes = (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        AtomicFiles.writeAtomically(dir.resolve(FILE_NAME), bytes);
    }

    /**
     * The segment files of a directory without manifest, ordered by the sequence number in their names: regular
     * files ending in {@code .h5} or {@code .hdf5}, not hidden (temp files start with a dot), whose last run of
     * digits is the sequence number (e.g. {@code seg-000003.h5} → 3).
     *
     * @throws FileFormatException if a segment file has no number or two files have the same number
     */
    static List<Path> scan(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (isSegmentName(p.getFileName().toString()) && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        Map<BigInteger, Path> bySeq = new HashMap<>();
        for (Path p : files) {
            BigInteger seq = sequenceNumber(p.getFileName().toString());
            if (seq == null) {
                throw new FileFormatException(p, "segment file has no sequence number in its name; rename it"
                        + " (e.g. seg-000000.h5) or list the order in " + FILE_NAME);
            }
            Path prev = bySeq.putIfAbsent(seq, p);
            if (prev != null) {
                throw new FileFormatException(dir, "segment files " + prev.getFileName() + " and "
                        + p.getFileName() + " have the same sequence number " + seq + "; add a " + FILE_NAME);
            }
        }
        files.sort(Comparator.comparing((Path p) -> sequenceNumber(p.getFileName().toString()))
                .thenComparing(p -> p.getFileName().toString()));
        return files;
    }

    /** Whether {@code name} looks like a segment file: ends in .h5/.hdf5 and is not hidden (temp files are). */
    public static boolean isSegmentName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (lower.endsWith(".h5") || lower.endsWith(".hdf5"));
    }

    /** The last run of digits in the name without extension, or null. */
    public static BigInteger sequenceNumber(String name) {
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        Matcher m = DIGITS.matcher(stem);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last == null ? null : new BigInteger(last);
    }

    private static boolean isPlainName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }
}
