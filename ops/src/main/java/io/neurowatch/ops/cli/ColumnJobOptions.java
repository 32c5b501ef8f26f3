package io.neurowatch.ops.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that label the units of an activation table block by block (a picocli mixin). */
final class ColumnJobOptions {
    @Option(names = "--feature-batch-size", defaultValue = "256",
            description = "activation columns read per block; bounds memory (default: ${DEFAULT-VALUE})")
    int featureBatchSize;

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "results JSON")
    Path out;

    @Option(names = "--quiet", description = "no table and no progress output")
    boolean quiet;

    int workers() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }
}
