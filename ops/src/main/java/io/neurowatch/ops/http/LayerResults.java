package io.neurowatch.ops.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-layer results of an offline analysis (DORA, CLIP-Dissect), from two sources: {@link #put} by code in this
 * process (an analyzer that runs the analysis itself), and files {@code <root>/<model>/<layer>/<fileName>} written
 * by the commands ({@code neurowatch dora --out <root>/<model>/<layer>}). What was put wins. Files are read again
 * when their modification time or size changes, so a new run shows up without a restart; an unreadable file is
 * logged once and treated as absent. Thread-safe.
 *
 * @param <T> the parsed result
 */
public final class LayerResults<T> {
    private static final Logger LOG = LoggerFactory.getLogger(LayerResults.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    /** Parses one result file. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Path file) throws IOException;
    }

    private record Cached<T>(FileTime modified, long size, T value) {
    }

    private final Path root;
    private final String fileName;
    private final Reader<T> reader;
    private final Map<String, T> pushed = new ConcurrentHashMap<>();
    private final Map<Path, Cached<T>> files = new ConcurrentHashMap<>();

    /** @param root the results directory, or null for results put in-process only */
    public LayerResults(Path root, String fileName, Reader<T> reader) {
        this.root = root;
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /** Publishes a layer's result (replacing any earlier one and hiding its file). */
    public void put(String model, String layer, T result) {
        pushed.put(key(model, layer), Objects.requireNonNull(result, "result"));
    }

    /** The layer's result, if any. */
    public Optional<T> get(String model, String layer) {
        T p = pushed.get(key(model, layer));
        if (p != null) {
            return Optional.of(p);
        }
        if (root == null || !NAME.matcher(model).matches() || !NAME.matcher(layer).matches()) {
            return Optional.empty();
        }
        Path file = root.resolve(model).resolve(layer).resolve(fileName);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            files.remove(file);
            return Optional.empty();
        }
        if (!attrs.isRegularFile()) {
            return Optional.empty();
        }
        Cached<T> c = files.get(file);
        if (c == null || !c.modified().equals(attrs.lastModifiedTime()) || c.size() != attrs.size()) {
            T value = null;
            try {
                value = reader.read(file);
            } catch (IOException | RuntimeException e) {
                LOG.warn("ignoring unreadable results file {}: {}", file, e.getMessage());
            }
            c = new Cached<>(attrs.lastModifiedTime(), attrs.size(), value);
            files.put(file, c);
        }
        return Optional.ofNullable(c.value());
    }

    private static String key(String model, String layer) {
        return model + "\u0000" + layer;
    }
}
