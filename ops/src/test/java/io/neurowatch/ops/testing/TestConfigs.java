package io.neurowatch.ops.testing;

import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.ops.stream.AnalyzerConfig;
import io.neurowatch.ops.stream.KafkaSettings;
import io.neurowatch.ops.stream.LabelSettings;
import java.nio.file.Path;

/** Analyzer configurations for tests that share one broker. */
public final class TestConfigs {
    private TestConfigs() {
    }

    /**
     * Defaults against {@code broker}, in group {@code name}, on topics {@code name.act}, {@code name.ann},
     * {@code name.labels}, {@code name.events}, {@code name.dlq} and {@code name.alerts}, with label runs only on
     * demand ({@code Analyzer.labelNow}).
     */
    public static AnalyzerConfig analyzer(EmbeddedKafkaBroker broker, Path workDir, String name) {
        return AnalyzerConfig.defaults(broker.bootstrapServers(), workDir)
                .with(KafkaSettings.GROUP_ID, name)
                .with(KafkaSettings.ACTIVATIONS, name + ".act")
                .with(KafkaSettings.ANNOTATIONS, name + ".ann")
                .with(KafkaSettings.LABELS, name + ".labels")
                .with(KafkaSettings.LABEL_EVENTS, name + ".events")
                .with(KafkaSettings.DEAD_LETTERS, name + ".dlq")
                .with(KafkaSettings.ALERTS, name + ".alerts")
                .with(LabelSettings.EVERY_SAMPLES, 0L)
                .with(LabelSettings.INTERVAL, null);
    }
}
