package io.neurowatch.ops.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.state.StatisticsStoreConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalyzerConfigFileStatsTest {
    private static final AnalyzerConfig BASE = AnalyzerConfig.defaults("localhost:9092", Path.of("work"));

    @Test
    void statsThreadsSetsTheStoresStagingThreadsAndDefaultsToTheProcessors() throws Exception {
        assertEquals(StatisticsStoreConfig.defaultStagingThreads(),
                AnalyzerConfigFile.apply(BASE, Map.of(), "test").statistics().stagingThreads());
        AnalyzerConfig c = AnalyzerConfigFile.apply(BASE, Map.of("stats.threads", "3"), "test");
        assertEquals(3, c.statistics().stagingThreads());
        assertEquals(BASE.statistics().withStagingThreads(3), c.statistics(), "nothing else of the store changes");
        assertEquals(Map.of("stats.threads", "1"),
                AnalyzerConfigFile.fromEnvironment(Map.of("NEUROWATCH_STATS_THREADS", "1")));
    }

    @Test
    void badStatsThreadsNameTheKey() {
        for (String bad : new String[] {"0", "many"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AnalyzerConfigFile.apply(BASE, Map.of("stats.threads", bad), "test.properties"));
            assertTrue(e.getMessage().startsWith("test.properties: ") && e.getMessage().contains("stats.threads"),
                    e.getMessage());
        }
    }
}
