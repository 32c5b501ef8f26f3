package io.neurowatch.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One settings key, declared once: its name, the type of its values (with the parser and printer that go with it),
 * its default, its documentation and its validation. Parsing, {@code --help}, {@code neurowatch config} and the
 * settings tables in the docs are all derived from these declarations ({@link SettingsTable}), in the manner of
 * Kafka's {@code ConfigDef}.
 *
 * <p>A setting whose default is {@code null} is optional: absent means "off" or "none", as its documentation says.
 * Immutable and thread-safe.
 *
 * @param <T> the value type
 */
public final class Setting<T> {
    /** Checks a parsed value; returns null when it is valid, else what a valid value looks like. */
    @FunctionalInterface
    public interface Validator<T> {
        String check(T value);
    }

    private final String name;
    private final String type;
    private final T defaultValue;
    private final String defaultText;
    private final boolean defaultIsValue;
    private final String doc;
    private final Function<String, T> parser;
    private final Function<T, String> printer;
    private final Validator<T> validator;

    private Setting(String name, String type, T defaultValue, String defaultText, String doc,
                    Function<String, T> parser, Function<T, String> printer, Validator<T> validator) {
        if (name == null || name.isBlank() || !name.equals(name.trim())) {
            throw new IllegalArgumentException("a setting needs a name without surrounding spaces: '" + name + "'");
        }
        this.name = name;
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.doc = Objects.requireNonNull(doc, "doc");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.printer = Objects.requireNonNull(printer, "printer");
        this.validator = validator == null ? v -> null : validator;
        this.defaultText = defaultText != null ? defaultText : defaultValue == null ? "" : printer.apply(defaultValue);
        this.defaultIsValue = defaultText == null;
        if (defaultValue != null) {
            String problem = this.validator.check(defaultValue);
            if (problem != null) {
                throw new IllegalArgumentException(name + ": default " + this.defaultText + " is invalid: " + problem);
            }
        }
    }

    public String name() {
        return name;
    }

    /** The type as the docs show it: {@code int}, {@code duration}, {@code one of a, b}, … */
    public String type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** The default as the docs show it (may describe a computed default, such as "all cores"). */
    public String defaultText() {
        return defaultText;
    }

    /** Whether {@link #defaultText} is a value as written in a file (else it describes the default in words). */
    public boolean defaultIsValue() {
        return defaultIsValue;
    }

    public String doc() {
        return doc;
    }

    /**
     * Parses and validates one raw value.
     *
     * @param source where the value came from (a file, {@code --set}, an environment variable), for the message
     * @throws SettingException naming the key, the source, the value and what a valid value looks like
     */
    public T parse(String raw, String source) {
        String text = raw == null ? "" : raw.trim();
        T value;
        try {
            value = parser.apply(text);
        } catch (RuntimeException e) {
            throw new SettingException(source + ": " + name + " = '" + text + "' is not " + article(type)
                    + (e.getMessage() == null || e instanceof NumberFormatException ? "" : " (" + e.getMessage() + ")"),
                    e);
        }
        String problem = value == null ? null : validator.check(value);
        if (problem != null) {
            throw new SettingException(source + ": " + name + " = '" + text + "': " + problem);
        }
        return value;
    }

    /**
     * Validates a value given in code (not parsed from text).
     *
     * @throws SettingException naming the key and what a valid value looks like
     */
    public T check(T value, String source) {
        String problem = value == null ? null : validator.check(value);
        if (problem != null) {
            throw new SettingException(source + ": " + name + " = " + print(value) + ": " + problem);
        }
        return value;
    }

    /** A value as it would be written in a settings file. */
    public String print(T value) {
        return value == null ? "" : printer.apply(value);
    }

    private static String article(String type) {
        if (type.startsWith("one of ")) {
            return type;
        }
        return (type.matches("^[aeiou].*") ? "an " : "a ") + type;
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- factories, one per type ----

    public static Setting<Integer> integer(String name, int dflt, String doc, Validator<Integer> check) {
        return new Setting<>(name, "int", dflt, null, doc, Integer::valueOf, String::valueOf, check);
    }

    /** An int whose default is computed at run time and documented in words (e.g. "all cores"). */
    public static Setting<Integer> integer(String name, int dflt, String defaultText, String doc,
                                           Validator<Integer> check) {
        return new Setting<>(name, "int", dflt, defaultText, doc, Integer::valueOf, String::valueOf, check);
    }

    public static Setting<Long> longValue(String name, long dflt, String doc, Validator<Long> check) {
        return new Setting<>(name, "long", dflt, null, doc, Long::valueOf, String::valueOf, check);
    }

    public static Setting<Double> decimal(String name, double dflt, String doc, Validator<Double> check) {
        return new Setting<>(name, "number", dflt, null, doc, Setting::parseDouble, Setting::printDouble, check);
    }

    public static Setting<Boolean> bool(String name, boolean dflt, String doc) {
        return new Setting<>(name, "boolean", dflt, null, doc, Setting::parseBoolean, String::valueOf, null);
    }

    public static Setting<String> string(String name, String dflt, String doc) {
        return new Setting<>(name, "string", dflt, null, doc, s -> {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
            return s;
        }, s -> s, null);
    }

    /** An optional string: absent (or empty) is null, described by {@code absentText}. */
    public static Setting<String> optionalString(String name, String absentText, String doc) {
        return new Setting<>(name, "string", null, absentText, doc, s -> s.isEmpty() ? null : s, s -> s, null);
    }

    /** An ISO-8601 duration such as {@code PT30S}. */
    public static Setting<Duration> duration(String name, Duration dflt, String doc, Validator<Duration> check) {
        return new Setting<>(name, "duration", dflt, null, doc, Duration::parse, Duration::toString, check);
    }

    /** An optional ISO-8601 duration: {@code off} or empty is null, described by {@code absentText}. */
    public static Setting<Duration> optionalDuration(String name, Duration dflt, String absentText, String doc) {
        return new Setting<>(name, "duration or off", dflt, dflt == null ? absentText : null, doc,
                s -> s.isEmpty() || s.equalsIgnoreCase("off") ? null : Duration.parse(s), Duration::toString,
                d -> d.isNegative() || d.isZero() ? "must be positive (or off)" : null);
    }

    /** An optional file or folder path: absent is null, described by {@code absentText}. */
    public static Setting<Path> optionalPath(String name, String absentText, String doc) {
        return new Setting<>(name, "path", null, absentText, doc, s -> s.isEmpty() ? null : Path.of(s),
                Path::toString, null);
    }

    /** A comma-separated list of non-empty items (spaces around items are dropped). */
    public static Setting<List<String>> list(String name, List<String> dflt, String defaultText, String doc) {
        return new Setting<>(name, "list", dflt, defaultText, doc,
                s -> s.isEmpty() ? List.of() : Arrays.stream(s.split(",")).map(String::trim)
                        .filter(x -> !x.isEmpty()).toList(), l -> String.join(",", l), null);
    }

    /** One of a fixed set of words (case-insensitive). */
    public static Setting<String> choice(String name, String dflt, String doc, String... allowed) {
        List<String> words = List.of(allowed);
        return new Setting<>(name, "one of " + String.join(", ", words), dflt, null, doc, s -> {
            String w = s.toLowerCase(Locale.ROOT);
            if (!words.contains(w)) {
                throw new IllegalArgumentException();
            }
            return w;
        }, s -> s, null);
    }

    /** A value of a type of its own, with its own parser and printer (a window spec, a detector list, …). */
    public static <T> Setting<T> custom(String name, String type, T dflt, String defaultText, String doc,
                                        Function<String, T> parser, Function<T, String> printer) {
        return new Setting<>(name, type, dflt, defaultText, doc, parser, printer, null);
    }

    // ---- validators ----

    public static <N extends Number & Comparable<N>> Validator<N> atLeast(N min) {
        return v -> v.compareTo(min) < 0 ? "must be at least " + min : null;
    }

    public static <N extends Number & Comparable<N>> Validator<N> between(N min, N max) {
        return v -> v.compareTo(min) < 0 || v.compareTo(max) > 0 ? "must be between " + min + " and " + max : null;
    }

    /** Strictly between 0 and 1. */
    public static Validator<Double> openUnitInterval() {
        return v -> v > 0 && v < 1 ? null : "must be strictly between 0 and 1";
    }

    public static Validator<Duration> positive() {
        return d -> d.isNegative() || d.isZero() ? "must be positive" : null;
    }

    private static double parseDouble(String s) {
        double d = Double.parseDouble(s);
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("not finite");
        }
        return d;
    }

    private static String printDouble(Double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue()) : String.valueOf(d);
    }

    private static boolean parseBoolean(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    /** The names of a list of settings, for messages. */
    static String names(List<? extends Setting<?>> settings) {
        return settings.stream().map(Setting::name).collect(Collectors.joining(", "));
    }
}
