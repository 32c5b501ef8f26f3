package io.neurowatch.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTableTest {
    static final Setting<Integer> ROWS = Setting.integer("archive.rows", 100, "rows per segment", Setting.atLeast(1));
    static final Setting<Duration> EVERY = Setting.optionalDuration("label.every", Duration.ofSeconds(30), "never",
            "label period");
    static final Setting<String> MODE = Setting.choice("invert.mode", "positive", "which tail", "positive",
            "negative");
    static final SettingsTable TABLE = SettingsTable.of(List.of(
            new SettingsTable.Group("archive", "The archive.", List.of(ROWS)),
            new SettingsTable.Group("labels", "Label runs.", List.of(EVERY, MODE))),
            List.of(new SettingsTable.Prefix("kafka.", "client properties")));

    private static SettingsTable.Layer layer(String source, String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new SettingsTable.Layer(source, m);
    }

    @Test
    void unsetKeysHaveTheirDefaultsAndLaterLayersWin() {
        SettingValues v = TABLE.parse(List.of(layer("file.yaml", "archive.rows", "5", "invert.mode", "NEGATIVE"),
                layer("--set", "archive.rows", "7")));
        assertEquals(7, v.get(ROWS));
        assertEquals("--set", v.source(ROWS));
        assertEquals("negative", v.get(MODE), "choices are case-insensitive");
        assertEquals(Duration.ofSeconds(30), v.get(EVERY));
        assertFalse(v.isSet(EVERY));
        assertEquals("default", v.source(EVERY));
    }

    @Test
    void anUnknownKeyNamesItselfAndItsLayer() {
        SettingException e = assertThrows(SettingException.class,
                () -> TABLE.parse(List.of(layer("c.yaml", "archive.rwos", "5", "label.evry", "PT1S"))));
        assertEquals("c.yaml: unknown keys archive.rwos, label.evry (`neurowatch config` lists every key)",
                e.getMessage());
    }

    @Test
    void aBadValueNamesTheKeyTheLayerTheValueAndTheRule() {
        assertEquals("--set: archive.rows = 'many' is not an int", assertThrows(SettingException.class,
                () -> TABLE.parse(List.of(layer("--set", "archive.rows", "many")))).getMessage());
        assertEquals("env: archive.rows = '0': must be at least 1", assertThrows(SettingException.class,
                () -> TABLE.parse(List.of(layer("env", "archive.rows", "0")))).getMessage());
        assertEquals("f: invert.mode = 'both' is not one of positive, negative", assertThrows(SettingException.class,
                () -> TABLE.parse(List.of(layer("f", "invert.mode", "both")))).getMessage());
    }

    @Test
    void offTurnsAnOptionalDurationOff() {
        assertNull(TABLE.parse(List.of(layer("f", "label.every", "off"))).get(EVERY));
        assertEquals(Duration.ofMinutes(5), TABLE.parse(List.of(layer("f", "label.every", "PT5M"))).get(EVERY));
    }

    @Test
    void prefixedKeysPassThroughUnparsed() {
        SettingValues v = TABLE.parse(List.of(layer("f", "kafka.security.protocol", " SASL_SSL ")));
        assertEquals(Map.of("security.protocol", "SASL_SSL"), v.passthrough("kafka."));
        assertThrows(SettingException.class, () -> TABLE.parse(List.of(layer("f", "kafka.", "x"))),
                "a bare prefix is no key");
    }

    @Test
    void theEnvironmentLayerReadsEveryDeclaredKeyUnderItsVariableName() {
        SettingsTable.Layer env = TABLE.environment(Map.of("NEUROWATCH_ARCHIVE_ROWS", "9",
                "NEUROWATCH_INVERT_MODE", "negative", "NEUROWATCH_NOT_A_KEY", "1", "HOME", "/root"));
        assertEquals(Map.of("archive.rows", "9", "invert.mode", "negative"), env.values());
        assertEquals("NEUROWATCH_LABEL_EVERY", SettingsTable.environmentName("label.every"));
    }

    @Test
    void aValueGivenInCodeIsValidatedLikeAParsedOne() {
        SettingValues v = TABLE.defaults().with(ROWS, 3);
        assertEquals(3, v.get(ROWS));
        assertEquals(TABLE.defaults(), TABLE.defaults().with(ROWS, 100), "equality is by effective value");
        assertThrows(SettingException.class, () -> TABLE.defaults().with(ROWS, 0));
        Setting<Integer> other = Setting.integer("other", 1, "not in the table", null);
        assertThrows(IllegalArgumentException.class, () -> TABLE.defaults().get(other));
    }

    @Test
    void declarationsAreCheckedWhenTheTableIsBuilt() {
        assertThrows(IllegalArgumentException.class, () -> Setting.integer("x", 0, "doc", Setting.atLeast(1)),
                "an invalid default");
        assertThrows(IllegalArgumentException.class, () -> SettingsTable.of(List.of(
                new SettingsTable.Group("a", "A.", List.of(ROWS)), new SettingsTable.Group("b", "B.", List.of(ROWS))),
                List.of()), "a key declared twice");
    }

    @Test
    void theDocsTableShowsEveryKeyWithTypeDefaultAndMeaning() {
        String md = TABLE.markdown();
        assertTrue(md.contains("### archive\n\nThe archive.\n\n| key | type | default | meaning |"), md);
        assertTrue(md.contains("| `archive.rows` | int | `100` | rows per segment |"), md);
        assertTrue(md.contains("| `label.every` | duration or off | `PT30S` | label period |"), md);
        assertTrue(md.contains("| `kafka.<property>` | client properties |"), md);
        assertTrue(TABLE.text(80).contains("  archive.rows (int, default 100)\n      rows per segment\n"));
    }
}
