package io.neurowatch.ops.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML configuration file as the flat keys of the properties form: nested mappings join their names with
 * dots ({@code archive: {compression: 0}} is {@code archive.compression=0}, and so is a top-level
 * {@code archive.compression: 0}); a sequence of scalars becomes one comma-separated value (for
 * {@code bootstrap.servers}). Scalars keep their text exactly as written, so YAML 1.1 booleans such as {@code off}
 * and numbers such as {@code 0.50} reach the key's own parser unchanged.
 */
public final class ConfigYaml {
    private ConfigYaml() {
    }

    /**
     * @return the keys in file order; empty for an empty file
     * @throws IOException naming the file and the key for malformed YAML, a top level that is not a mapping, a key
     *     without a value, a sequence that holds mappings or sequences, and a key given twice
     */
    public static Map<String, String> read(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return out;
            }
            if (t != JsonToken.START_OBJECT) {
                throw new IOException(file + ": the top level must be a mapping of keys to values");
            }
            readMapping(p, "", out, file);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
        }
        return out;
    }

    private static void readMapping(JsonParser p, String prefix, Map<String, String> out, Path file)
            throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = prefix.isEmpty() ? p.currentName() : prefix + "." + p.currentName();
            JsonToken t = p.nextToken();
            String value;
            if (t == JsonToken.START_OBJECT) {
                readMapping(p, key, out, file);
                continue;
            } else if (t == JsonToken.START_ARRAY) {
                List<String> items = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (!t.isScalarValue() || t == JsonToken.VALUE_NULL) {
                        throw new IOException(file + ": " + key + ": a list may hold plain values only");
                    }
                    items.add(p.getText().trim());
                }
                value = String.join(",", items);
            } else if (t == JsonToken.VALUE_NULL) {
                throw new IOException(file + ": " + key + " has no value");
            } else {
                value = p.getText().trim();
            }
            if (out.put(key, value) != null) {
                throw new IOException(file + ": " + key + " is given twice");
            }
        }
    }
}
