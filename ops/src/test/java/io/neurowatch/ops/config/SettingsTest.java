package io.neurowatch.ops.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.connectors.archive.WindowSpec;
import io.neurowatch.core.state.StatisticsStoreConfig;
import io.neurowatch.ops.http.HttpSettings;
import io.neurowatch.ops.stream.AnalyzerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    private static final Path WORK = Path.of("work");

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void yamlIsANestedViewOfThePropertiesKeys() throws Exception {
        Path yaml = write("neurowatch.yaml", """
                # comments are fine
                bootstrap:
                  servers: [broker1:9092, broker2:9092]
                archive: {compression: 0, rows-per-segment: 5000}
                label:
                  every-samples: 2500
                  interval: off          # YAML 1.1 would read this as false; the key needs the text
                  window: last:10000
                invert: {L: 2, B: 4, min-fraction: 0.010, mode: negative}
                topics.labels: my.labels
                kafka:
                  security.protocol: SASL_SSL
                http: {port: 0, host: 127.0.0.2}
                dashboard: {results-dir: /srv/results}
                """);
        Path props = write("neurowatch.properties", """
                bootstrap.servers=broker1:9092,broker2:9092
                archive.compression=0
                archive.rows-per-segment=5000
                label.every-samples=2500
                label.interval=off
                label.window=last:10000
                invert.L=2
                invert.B=4
                invert.min-fraction=0.010
                invert.mode=negative
                topics.labels=my.labels
                kafka.security.protocol=SASL_SSL
                http.port=0
                http.host=127.0.0.2
                dashboard.results-dir=/srv/results
                """);
        Settings fromYaml = Settings.load(yaml, Map.of(), Map.of());
        Settings fromProps = Settings.load(props, Map.of(), Map.of());
        AnalyzerConfig a = fromYaml.analyzer(WORK);
        assertEquals(fromProps.analyzer(WORK), a);
        assertEquals(fromProps.http(), fromYaml.http());
        assertEquals("broker1:9092,broker2:9092", a.bootstrapServers());
        assertEquals(2500, a.labels().everySamples());
        assertNull(a.labels().interval(), "'off' reached the key's parser as text");
        assertEquals(WindowSpec.lastSamples(10_000), a.labels().window());
        assertEquals(4, a.labels().invert().beamSize());
        assertEquals(0.01, a.labels().invert().minFraction());
        assertEquals(5000, a.archive().options().rowsPerSegment());
        assertEquals("my.labels", a.topics().labels());
        assertEquals("SASL_SSL", a.kafka().clientProperties().get("security.protocol"));
        assertEquals(new HttpSettings("127.0.0.2", 0, false, null, Path.of("/srv/results")), fromYaml.http());
    }

    @Test
    void unknownKeysNameTheKeyAndWhereItCameFrom() throws Exception {
        Path yaml = write("typo.yaml", "label:\n  evry-samples: 5\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.load(yaml, Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith(yaml + ": unknown key label.evry-samples"), e.getMessage());

        Path props = write("typo.properties", "htp.port=1\n");
        e = assertThrows(IllegalArgumentException.class, () -> Settings.load(props, Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith(props + ": unknown key htp.port"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Settings.load(null, Map.of(), Map.of("archive.compresion", "1")));
        assertTrue(e.getMessage().startsWith("--set: unknown key archive.compresion"), e.getMessage());
    }

    @Test
    void environmentOverridesTheFileAndSetOverridesBoth() throws Exception {
        Path yaml = write("c.yml", "label: {every-samples: 100}\nhttp: {port: 9000}\n");
        Map<String, String> env = Map.of("NEUROWATCH_LABEL_EVERY_SAMPLES", "200", "NEUROWATCH_HTTP_PORT", "9001",
                "NEUROWATCH_HTTP_TOKEN", "s3cret", "NEUROWATCH_NOT_A_KEY", "x", "PATH", "/bin");
        Settings s = Settings.load(yaml, env, Map.of());
        assertEquals(200, s.analyzer(WORK).labels().everySamples());
        assertEquals(9001, s.http().port());
        assertEquals("s3cret", s.http().token());
        Settings set = Settings.load(yaml, env, Map.of("label.every-samples", "300"));
        assertEquals(300, set.analyzer(WORK).labels().everySamples());
        assertEquals(300, set.with("http.port", "1").analyzer(WORK).labels().everySamples());
        assertEquals(1, set.with("http.port", "1").http().port(), "a flag outranks everything");
        assertEquals("NEUROWATCH_DASHBOARD_RESULTS_DIR", Settings.environmentName("dashboard.results-dir"));
    }

    @Test
    void defaultsWithoutAnySource() throws Exception {
        Settings s = Settings.load(null, Map.of(), Map.of());
        assertEquals(new HttpSettings("127.0.0.1", 8080, false, null, null), s.http());
        assertEquals(AnalyzerConfig.defaults(null, WORK), s.analyzer(WORK));
        assertEquals(Duration.ofSeconds(30), s.analyzer(WORK).labels().interval());
        assertEquals(Duration.ofSeconds(60), s.analyzer(WORK).archive().options().maxSegmentAge(),
                "segments of a quiet stream are written within a minute");
    }

    @Test
    void malformedFilesAndValuesAreErrorsNamingTheFileAndKey() throws Exception {
        for (String[] bad : new String[][] {
                {"list.yaml", "- a\n- b\n", "top level must be a mapping"},
                {"null.yaml", "label:\n  interval:\n", "label.interval has no value"},
                {"nested-list.yaml", "bootstrap:\n  servers: [{a: 1}]\n", "bootstrap.servers: a list may hold"},
                {"twice.yaml", "label.window: all\nlabel: {window: last:5}\n", "label.window is given twice"},
                {"broken.yaml", "label: [unclosed\n", "not valid YAML"}}) {
            Path f = write(bad[0], bad[1]);
            IOException e = assertThrows(IOException.class, () -> Settings.load(f, Map.of(), Map.of()), bad[0]);
            assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(bad[2]),
                    bad[0] + ": " + e.getMessage());
        }
        assertEquals(0, ConfigYaml.read(write("empty.yaml", "")).size());
        Path port = write("port.yaml", "http: {port: eighty}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.load(port, Map.of(), Map.of()).http());
        assertTrue(e.getMessage().contains("http.port") && e.getMessage().startsWith(port.toString()),
                e.getMessage());
        Path remote = write("remote.yaml", "http: {allow-remote: maybe}\n");
        assertThrows(IllegalArgumentException.class, () -> Settings.load(remote, Map.of(), Map.of()).http());
        Path window = write("window.yaml", "label: {window: sometimes}\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> Settings.load(window, Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith(window.toString()) && e.getMessage().contains("label.window"),
                e.getMessage());
    }

    @Test
    void statsThreadsSetsTheStoresStagingThreadsAndDefaultsToTheProcessors() throws Exception {
        assertEquals(StatisticsStoreConfig.defaultStagingThreads(),
                Settings.load(null, Map.of(), Map.of()).analyzer(WORK).statistics().store().stagingThreads());
        AnalyzerConfig c = Settings.load(null, Map.of("NEUROWATCH_STATS_THREADS", "3"), Map.of()).analyzer(WORK);
        assertEquals(StatisticsStoreConfig.defaults().withStagingThreads(3), c.statistics().store(),
                "nothing else of the store changes");
        for (String bad : new String[] {"0", "many"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Settings.load(null, Map.of(), Map.of("stats.threads", bad)));
            assertTrue(e.getMessage().startsWith("--set: stats.threads = '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void aCommandsOwnDefaultsAreOutrankedByEveryLayer() throws Exception {
        Settings demo = Settings.load(null, Map.of(), Map.of("invert.L", "3"))
                .withDefaults("demo defaults", Map.of("invert.L", "2", "invert.B", "4"));
        assertEquals(3, demo.analyzer(WORK).labels().invert().maxLength(), "--set outranks the demo's default");
        assertEquals(4, demo.analyzer(WORK).labels().invert().beamSize());
    }

    @Test
    void valuesThatAreWrongTogetherNameBothKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.load(null,
                Map.of(), Map.of("invert.min-fraction", "0.6", "invert.max-fraction", "0.5")).analyzer(WORK));
        assertTrue(e.getMessage().contains("invert.min-fraction") && e.getMessage().contains("invert.max-fraction"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Settings.load(null, Map.of(), Map.of("dora.iters", "5")).analyzer(WORK));
        assertEquals("--set: dora.iters needs model.path", e.getMessage());
    }

    @Test
    void anIpv6HostIsBracketedInTheUrl() {
        assertEquals("http://[::1]:8080/", new HttpSettings("::1", 8080, false, null, null).url(8080));
        assertEquals("http://127.0.0.1:41234/", new HttpSettings("127.0.0.1", 0, false, null, null).url(41234));
    }
}
