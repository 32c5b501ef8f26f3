package io.neurowatch.ops.config;

import io.neurowatch.ops.http.HttpSettings;
import io.neurowatch.ops.stream.AnalyzerConfig;
import io.neurowatch.ops.stream.AnalyzerConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of {@code serve} and {@code demo}: every key of the analyzer (docs/streaming.md#settings) and of
 * the HTTP server and dashboard (docs/configuration.md), from, lowest precedence first: built-in defaults, the
 * configuration file (YAML if it ends in {@code .yaml}/{@code .yml}, else Java properties), environment variables
 * {@code NEUROWATCH_<KEY>} (dots and dashes as underscores, upper case), and {@code --set KEY=VALUE}. A key no
 * component knows is an error that names it and where it came from, so a typo never silently keeps a default.
 */
public final class Settings {
    /** Keys of the HTTP server and dashboard; the analyzer's are {@link AnalyzerConfigFile#KEYS}. */
    public static final Set<String> SERVER_KEYS = Set.of("http.host", "http.port", "http.allow-remote", "http.token",
            "dashboard.results-dir");
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 8080;

    private final Map<String, String> values;
    private final String source;

    private Settings(Map<String, String> values, String source) {
        this.values = values;
        this.source = source;
    }

    /** Every accepted key except the pass-through {@code kafka.*}. */
    public static Set<String> keys() {
        Set<String> all = new TreeSet<>(AnalyzerConfigFile.KEYS);
        all.addAll(SERVER_KEYS);
        return all;
    }

    /**
     * @param file the configuration file, or null
     * @param env the environment ({@code System.getenv()})
     * @param overrides {@code --set} pairs
     * @throws IOException if the file cannot be read or parsed
     * @throws IllegalArgumentException naming the key and its source for an unknown key
     */
    public static Settings load(Path file, Map<String, String> env, Map<String, String> overrides)
            throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            values.putAll(check(readFile(file), file.toString()));
        }
        values.putAll(fromEnvironment(env));
        values.putAll(check(overrides, "--set"));
        return new Settings(values, file == null ? "settings" : file.toString());
    }

    private static Map<String, String> readFile(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") ? ConfigYaml.read(file)
                : AnalyzerConfigFile.read(file);
    }

    private static Map<String, String> check(Map<String, String> settings, String where) {
        Set<String> known = keys();
        Set<String> unknown = new TreeSet<>();
        for (String k : settings.keySet()) {
            if (!known.contains(k) && !k.startsWith("kafka.")) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(where + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (every key is listed in docs/configuration.md)");
        }
        return settings;
    }

    /** {@code NEUROWATCH_LABEL_EVERY_SAMPLES=…} style overrides for every known key. */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        for (String k : keys()) {
            String name = environmentName(k);
            if (env.containsKey(name)) {
                out.put(k, env.get(name));
            }
        }
        return out;
    }

    /** The environment variable that overrides a key. */
    public static String environmentName(String key) {
        return "NEUROWATCH_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** A copy with one key set (a command-line flag, which outranks everything). */
    public Settings with(String key, String value) {
        Map<String, String> v = new LinkedHashMap<>(values);
        v.put(key, value);
        return new Settings(v, source);
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public String get(String key) {
        return values.get(key);
    }

    /** The analyzer's configuration: {@code base} with the analyzer keys applied. */
    public AnalyzerConfig analyzer(AnalyzerConfig base) throws IOException {
        Map<String, String> own = new HashMap<>(values);
        own.keySet().removeAll(SERVER_KEYS);
        return AnalyzerConfigFile.apply(base, own, source);
    }

    /** The HTTP server's settings, defaults where a key is absent. */
    public HttpSettings http() {
        String port = values.getOrDefault("http.port", Integer.toString(DEFAULT_PORT)).trim();
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": http.port = '" + port + "' is not an integer");
        }
        String remote = values.getOrDefault("http.allow-remote", "false").trim().toLowerCase(Locale.ROOT);
        if (!remote.equals("true") && !remote.equals("false")) {
            throw new IllegalArgumentException(source + ": http.allow-remote = '" + remote
                    + "' is not true or false");
        }
        String token = values.get("http.token");
        String dir = values.get("dashboard.results-dir");
        try {
            return new HttpSettings(values.getOrDefault("http.host", DEFAULT_HOST).trim(), p,
                    Boolean.parseBoolean(remote), token == null || token.isBlank() ? null : token.strip(),
                    dir == null || dir.isBlank() ? null : Path.of(dir.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }
}
