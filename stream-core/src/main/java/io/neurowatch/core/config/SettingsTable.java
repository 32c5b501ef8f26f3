package io.neurowatch.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Every key a component accepts, in named groups (one per stage), plus prefixes that pass through (such as
 * {@code kafka.}). The parser, the environment-variable names, {@code --help}, {@code neurowatch config} and the
 * documentation tables are all read off this one table, so a key is declared in exactly one place.
 *
 * <p>Values come in layers, lowest precedence first (defaults, a file, the environment, {@code --set}, flags); a key
 * no group declares is an error naming the key and its layer, so a typo never silently keeps a default. Immutable
 * and thread-safe.
 */
public final class SettingsTable {
    /** Settings of one stage or component. */
    public record Group(String name, String doc, List<Setting<?>> settings) {
        public Group {
            settings = List.copyOf(settings);
        }
    }

    /** Keys under a prefix that are handed on unparsed (e.g. {@code kafka.security.protocol}). */
    public record Prefix(String prefix, String doc) {
    }

    /** The raw values of one layer and the name its errors use ({@code file.yaml}, {@code --set}, …). */
    public record Layer(String source, Map<String, String> values) {
        public Layer {
            Objects.requireNonNull(source, "source");
            values = Map.copyOf(values);
        }
    }

    private final List<Group> groups;
    private final List<Prefix> prefixes;
    private final Map<String, Setting<?>> byName = new LinkedHashMap<>();

    private SettingsTable(List<Group> groups, List<Prefix> prefixes) {
        this.groups = List.copyOf(groups);
        this.prefixes = List.copyOf(prefixes);
        for (Group g : groups) {
            for (Setting<?> s : g.settings()) {
                if (byName.put(s.name(), s) != null) {
                    throw new IllegalArgumentException("setting " + s.name() + " is declared twice");
                }
            }
        }
    }

    public static SettingsTable of(List<Group> groups, List<Prefix> prefixes) {
        return new SettingsTable(groups, prefixes);
    }

    public List<Group> groups() {
        return groups;
    }

    public List<Prefix> prefixes() {
        return prefixes;
    }

    /** Every declared key, in table order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public boolean declares(Setting<?> s) {
        return byName.get(s.name()) == s;
    }

    /** Every value at its default. */
    public SettingValues defaults() {
        return new SettingValues(this, Map.of(), Map.of(), Map.of());
    }

    /**
     * Parses layers, lowest precedence first.
     *
     * @throws SettingException naming the key and its layer for an unknown key or a bad value
     */
    public SettingValues parse(List<Layer> layers) {
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> sourceOf = new LinkedHashMap<>();
        for (Layer layer : layers) {
            TreeSet<String> unknown = new TreeSet<>();
            for (Map.Entry<String, String> e : layer.values().entrySet()) {
                String key = e.getKey().trim();
                if (!byName.containsKey(key) && prefixOf(key) == null) {
                    unknown.add(key);
                }
                raw.put(key, e.getValue());
                sourceOf.put(key, layer.source());
            }
            if (!unknown.isEmpty()) {
                throw new SettingException(layer.source() + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
                        + String.join(", ", unknown) + " (`neurowatch config` lists every key)");
            }
        }
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        Map<String, String> passthrough = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            Setting<?> s = byName.get(e.getKey());
            if (s == null) {
                passthrough.put(e.getKey(), e.getValue().trim());
            } else {
                values.put(s, s.parse(e.getValue(), sourceOf.get(e.getKey())));
            }
        }
        return new SettingValues(this, values, passthrough, sourceOf);
    }

    /** The layer of {@code NEUROWATCH_<KEY>} variables (dots and dashes as underscores, upper case). */
    public Layer environment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : byName.keySet()) {
            String v = env.get(environmentName(k));
            if (v != null) {
                out.put(k, v);
            }
        }
        return new Layer("environment", out);
    }

    /** The environment variable that sets a key. */
    public static String environmentName(String key) {
        return "NEUROWATCH_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    String prefixOf(String key) {
        for (Prefix p : prefixes) {
            if (key.startsWith(p.prefix()) && key.length() > p.prefix().length()) {
                return p.prefix();
            }
        }
        return null;
    }

    Setting<?> setting(String name) {
        return byName.get(name);
    }

    /**
     * The settings as Markdown: one table per group, under a heading, then the pass-through prefixes. The settings
     * section of docs/streaming.md is this text, verbatim (a test compares them).
     */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        for (Group g : groups) {
            out.append("### ").append(g.name()).append("\n\n").append(g.doc()).append("\n\n");
            out.append("| key | type | default | meaning |\n|---|---|---|---|\n");
            for (Setting<?> s : g.settings()) {
                out.append("| `").append(s.name()).append("` | ").append(cell(s.type())).append(" | ")
                        .append(s.defaultText().isEmpty() ? "" : s.defaultIsValue() ? "`" + cell(s.defaultText()) + "`"
                                : cell(s.defaultText())).append(" | ")
                        .append(cell(s.doc())).append(" |\n");
            }
            out.append('\n');
        }
        if (!prefixes.isEmpty()) {
            out.append("### pass-through\n\n| prefix | meaning |\n|---|---|\n");
            for (Prefix p : prefixes) {
                out.append("| `").append(p.prefix()).append("<property>` | ").append(cell(p.doc())).append(" |\n");
            }
        }
        return out.toString();
    }

    /** The settings as plain text, one key per entry with type, default and doc (for a terminal). */
    public String text(int width) {
        StringBuilder out = new StringBuilder();
        for (Group g : groups) {
            out.append(g.name()).append(" — ").append(g.doc()).append('\n');
            for (Setting<?> s : g.settings()) {
                out.append("  ").append(s.name()).append(" (").append(s.type()).append(", default ")
                        .append(s.defaultText().isEmpty() ? "none" : s.defaultText()).append(")\n");
                for (String line : wrap(s.doc(), Math.max(20, width - 6))) {
                    out.append("      ").append(line).append('\n');
                }
            }
        }
        for (Prefix p : prefixes) {
            out.append(p.prefix()).append("<property> — ").append(p.doc()).append('\n');
        }
        return out.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
