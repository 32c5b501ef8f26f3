package io.neurowatch.ops.config;

import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import io.neurowatch.ops.http.HttpSettings;
import io.neurowatch.ops.stream.AnalyzerConfig;
import io.neurowatch.ops.stream.KafkaSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The settings of {@code serve} and {@code demo}: every key of the analyzer's stages and of the HTTP server
 * ({@link #TABLE}), in layers, lowest precedence first: built-in defaults, a command's own defaults (the demo's),
 * the configuration file (YAML if it ends in {@code .yaml}/{@code .yml}, else Java properties), environment variables
 * {@code NEUROWATCH_<KEY>} (dots and dashes as underscores, upper case), {@code --set KEY=VALUE}, and flags. A key no
 * table declares is an error that names it and where it came from, so a typo never silently keeps a default.
 * Immutable.
 */
public final class Settings {
    /** Every key {@code serve} and {@code demo} accept. */
    public static final SettingsTable TABLE = SettingsTable.of(groups(), List.of(KafkaSettings.CLIENT_PREFIX));

    private final List<SettingsTable.Layer> layers;
    private final SettingValues values;

    private Settings(List<SettingsTable.Layer> layers) {
        this.layers = List.copyOf(layers);
        this.values = TABLE.parse(layers);
    }

    private static List<SettingsTable.Group> groups() {
        List<SettingsTable.Group> g = new ArrayList<>(AnalyzerConfig.groups());
        g.add(HttpSettings.GROUP);
        return g;
    }

    /**
     * @param file the configuration file, or null
     * @param env the environment ({@code System.getenv()})
     * @param overrides {@code --set} pairs
     * @throws IOException if the file cannot be read or parsed
     * @throws IllegalArgumentException naming the key and its source for an unknown key or a bad value
     */
    public static Settings load(Path file, Map<String, String> env, Map<String, String> overrides)
            throws IOException {
        List<SettingsTable.Layer> layers = new ArrayList<>();
        if (file != null) {
            layers.add(new SettingsTable.Layer(file.toString(), readFile(file)));
        }
        layers.add(TABLE.environment(env));
        layers.add(new SettingsTable.Layer("--set", overrides));
        return new Settings(layers);
    }

    private static Map<String, String> readFile(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") ? ConfigYaml.read(file) : readProperties(file);
    }

    /** A Java properties file, values trimmed. */
    static Map<String, String> readProperties(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            out.put(k, p.getProperty(k).trim());
        }
        return out;
    }

    /** The environment variable that overrides a key. */
    public static String environmentName(String key) {
        return SettingsTable.environmentName(key);
    }

    /** A copy with one key set by a command-line flag, which outranks everything. */
    public Settings with(String key, String value) {
        List<SettingsTable.Layer> l = new ArrayList<>(layers);
        l.add(new SettingsTable.Layer("flag for " + key, Map.of(key, value)));
        return new Settings(l);
    }

    /** A copy whose defaults differ for some keys (a command's own defaults); every other layer outranks them. */
    public Settings withDefaults(String source, Map<String, String> defaults) {
        List<SettingsTable.Layer> l = new ArrayList<>();
        l.add(new SettingsTable.Layer(source, defaults));
        l.addAll(layers);
        return new Settings(l);
    }

    public SettingValues values() {
        return values;
    }

    /** Whether some layer set the key (rather than leaving its default). */
    public boolean contains(String key) {
        for (SettingsTable.Layer l : layers) {
            if (l.values().containsKey(key)) {
                return true;
            }
        }
        return false;
    }

    /** The analyzer's configuration for a work dir. */
    public AnalyzerConfig analyzer(Path workDir) {
        return AnalyzerConfig.from(workDir, values);
    }

    /** The HTTP server's settings. */
    public HttpSettings http() {
        return HttpSettings.from(values);
    }
}
