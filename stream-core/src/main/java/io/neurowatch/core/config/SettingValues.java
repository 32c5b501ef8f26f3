package io.neurowatch.core.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed settings: a typed value for every key of a {@link SettingsTable} (its default unless a layer set it), and
 * the pass-through keys. Immutable; {@link #with} returns a copy, so a set of values can be shared as a template.
 */
public final class SettingValues {
    private final SettingsTable table;
    private final Map<Setting<?>, Object> values;
    private final Map<String, String> passthrough;
    private final Map<String, String> sourceOf;

    SettingValues(SettingsTable table, Map<Setting<?>, Object> values, Map<String, String> passthrough,
                  Map<String, String> sourceOf) {
        this.table = table;
        this.values = new LinkedHashMap<>(values);
        this.passthrough = Map.copyOf(passthrough);
        this.sourceOf = Map.copyOf(sourceOf);
    }

    public SettingsTable table() {
        return table;
    }

    /**
     * The value of a setting: the one set by the highest layer, else its default (null for an optional setting).
     *
     * @throws IllegalArgumentException for a setting this table does not declare (a programming error)
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> s) {
        requireDeclared(s);
        return values.containsKey(s) ? (T) values.get(s) : s.defaultValue();
    }

    /** Whether some layer set this key (rather than leaving its default). */
    public boolean isSet(Setting<?> s) {
        requireDeclared(s);
        return values.containsKey(s);
    }

    /** Where a key's value came from ({@code default} when no layer set it), for messages. */
    public String source(Setting<?> s) {
        return sourceOf.getOrDefault(s.name(), "default");
    }

    /** A copy with one value replaced, validated like a parsed one. */
    public <T> SettingValues with(Setting<T> s, T value) {
        requireDeclared(s);
        s.check(value, "code");
        Map<Setting<?>, Object> copy = new LinkedHashMap<>(values);
        copy.put(s, value);
        Map<String, String> sources = new LinkedHashMap<>(sourceOf);
        sources.put(s.name(), "code");
        return new SettingValues(table, copy, passthrough, sources);
    }

    /** A copy with one pass-through key (such as {@code kafka.linger.ms}) set. */
    public SettingValues withPassthrough(String key, String value) {
        if (table.prefixOf(key) == null) {
            throw new IllegalArgumentException(key + " is under no pass-through prefix");
        }
        Map<String, String> copy = new LinkedHashMap<>(passthrough);
        copy.put(key, value);
        return new SettingValues(table, values, copy, sourceOf);
    }

    /** The pass-through keys under {@code prefix}, with the prefix removed. */
    public Map<String, String> passthrough(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        passthrough.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Every value that differs from its default, as text, for logs. */
    public Map<String, String> changed() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<Setting<?>, Object> e : values.entrySet()) {
            out.put(e.getKey().name(), print(e.getKey(), e.getValue()));
        }
        out.putAll(passthrough);
        return out;
    }

    /** Equal when the tables are the same and every effective value and pass-through key is (sources aside). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SettingValues other) || other.table != table || !other.passthrough.equals(passthrough)) {
            return false;
        }
        for (SettingsTable.Group g : table.groups()) {
            for (Setting<?> s : g.settings()) {
                if (!java.util.Objects.equals(get(s), other.get(s))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = passthrough.hashCode();
        for (SettingsTable.Group g : table.groups()) {
            for (Setting<?> s : g.settings()) {
                h = 31 * h + java.util.Objects.hashCode(get(s));
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return "SettingValues" + changed();
    }

    @SuppressWarnings("unchecked")
    private static <T> String print(Setting<T> s, Object v) {
        return s.print((T) v);
    }

    private void requireDeclared(Setting<?> s) {
        if (!table.declares(s)) {
            throw new IllegalArgumentException("setting " + s.name() + " is not in this table");
        }
    }
}
