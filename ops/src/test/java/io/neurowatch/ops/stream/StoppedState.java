package io.neurowatch.ops.stream;

import io.neurowatch.connectors.archive.ArchiveOptions;
import io.neurowatch.connectors.archive.StreamArchive;
import io.neurowatch.core.state.StatisticsStore;
import io.neurowatch.core.state.StatisticsStoreConfig;
import java.io.IOException;
import java.nio.file.Path;

/** The layer state a stopped analyzer left in its work dir: the task folder that holds a layer. */
final class StoppedState {
    private StoppedState() {
    }

    /** The layer-state folder of the task that owned {@code model/layer}. */
    static Path of(AnalyzerConfig cfg, String model, String layer) throws IOException {
        return of(cfg.workDir(), cfg.kafka().groupId(), model, layer);
    }

    /** As above, for an instance that ran with {@code workDir} in group {@code groupId}. */
    static Path of(Path workDir, String groupId, String model, String layer) throws IOException {
        for (Path dir : LayerStateStore.directories(workDir, groupId)) {
            try (StatisticsStore s = StatisticsStore.open(dir.resolve(LayerStateStore.STATISTICS),
                    StatisticsStoreConfig.defaults())) {
                if (s.layers(model).contains(layer)) {
                    return dir;
                }
            }
        }
        throw new AssertionError("no task of " + workDir + " holds " + model + "/" + layer);
    }

    static StatisticsStore statistics(AnalyzerConfig cfg, String model, String layer) throws IOException {
        return StatisticsStore.open(of(cfg, model, layer).resolve(LayerStateStore.STATISTICS),
                StatisticsStoreConfig.defaults());
    }

    static StreamArchive archive(AnalyzerConfig cfg, String model, String layer) throws IOException {
        return archive(of(cfg, model, layer));
    }

    static StatisticsStore statistics(Path layerState) throws IOException {
        return StatisticsStore.open(layerState.resolve(LayerStateStore.STATISTICS), StatisticsStoreConfig.defaults());
    }

    static StreamArchive archive(Path layerState) throws IOException {
        return StreamArchive.open(layerState.resolve(LayerStateStore.ARCHIVE), ArchiveOptions.defaults());
    }
}
