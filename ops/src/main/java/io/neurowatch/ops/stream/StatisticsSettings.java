package io.neurowatch.ops.stream;

import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import io.neurowatch.core.state.StatisticsStoreConfig;
import java.util.List;

/**
 * The RocksDB statistics: a quantile sketch per neuron and, with concepts, a histogram per (neuron, concept).
 *
 * @param store the store's own settings
 * @param trackConcepts whether per-(neuron, concept) histograms are kept (cost grows with C·D)
 * @param annotationWindow per model, the most recent samples kept in memory so that late annotations reach the
 *     histograms; 0 keeps none
 */
public record StatisticsSettings(StatisticsStoreConfig store, boolean trackConcepts, int annotationWindow) {
    public static final Setting<Boolean> TRACK_CONCEPTS = Setting.bool("stats.track-concepts", true,
            "keep per-(neuron, concept) histograms (streaming AUROC with error bound; cost ∝ D·C)");
    public static final Setting<Integer> THREADS = Setting.integer("stats.threads",
            StatisticsStoreConfig.defaultStagingThreads(), "all cores", "threads that update the sketches and "
                    + "histograms of each statistics write; each takes a contiguous range of every layer's neurons, "
                    + "so every sketch receives the same values in the same order whatever the value",
            Setting.between(1, StatisticsStoreConfig.MAX_STAGING_THREADS));
    public static final Setting<Integer> ANNOTATION_WINDOW = Setting.integer("stats.annotation-window", 10_000,
            "per model, the most recent samples whose activations stay in memory so that late annotations of "
                    + "samples that came without labels reach the concept histograms (about window × D × 4 bytes per "
                    + "layer); 0 = late annotations reach only the label runs", Setting.atLeast(0));

    public static final SettingsTable.Group GROUP = new SettingsTable.Group("statistics",
            "Per-neuron sketches and per-(neuron, concept) histograms in RocksDB under `<work dir>/state`.",
            List.of(TRACK_CONCEPTS, THREADS, ANNOTATION_WINDOW));

    public static StatisticsSettings from(SettingValues v) {
        return new StatisticsSettings(StatisticsStoreConfig.defaults().withStagingThreads(v.get(THREADS)),
                v.get(TRACK_CONCEPTS), v.get(ANNOTATION_WINDOW));
    }

    /** Whether late annotations reach the concept histograms (see {@link RecentActivations}). */
    public boolean lateHistograms() {
        return trackConcepts && annotationWindow > 0;
    }
}
