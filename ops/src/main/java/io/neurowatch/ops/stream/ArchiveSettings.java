package io.neurowatch.ops.stream;

import io.neurowatch.connectors.archive.ArchiveOptions;
import io.neurowatch.connectors.archive.RetentionPolicy;
import io.neurowatch.connectors.io.Hdf5WriteOptions;
import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import java.time.Duration;
import java.util.List;

/**
 * The HDF5 archive of every accepted sample, and what it (and the statistics) keep.
 *
 * @param options how segments are cut and written
 * @param retention what the archive and the statistics keep; null keeps everything
 */
public record ArchiveSettings(ArchiveOptions options, RetentionPolicy retention) {
    public static final Setting<Integer> ROWS_PER_SEGMENT = Setting.integer("archive.rows-per-segment", 0,
            "roll a segment after this many rows (0 = about 64 MiB of activations)", Setting.atLeast(0));
    public static final Setting<Integer> COMPRESSION = Setting.integer("archive.compression", 0,
            "deflate level of segments, 0 (off) to 9. Above 0 segments are chunked (1024, 256) with byte shuffle and "
                    + "deflate; 0 writes them contiguous in one sequential pass. Deflate at level 1 halves ingest "
                    + "throughput", Setting.between(0, 9));
    public static final Setting<Duration> MAX_SEGMENT_AGE = Setting.optionalDuration("archive.max-segment-age",
            Duration.ofSeconds(60), "never", "roll a segment when its oldest row is this old, also when no more data "
                    + "comes (ISO-8601, e.g. `PT5M`; `off` = only by size)");
    public static final Setting<Duration> RETENTION_MAX_AGE = Setting.optionalDuration("retention.max-age", null,
            "keep all", "drop archive segments and statistics buckets older than this");
    public static final Setting<Long> RETENTION_MAX_BYTES = Setting.longValue("retention.max-bytes", 0,
            "drop the oldest archive segments beyond this total size (0 = keep all)", Setting.atLeast(0L));

    public static final SettingsTable.Group GROUP = new SettingsTable.Group("archive",
            "Segments of HDF5 files under `<work dir>/archive`, readable by h5py, jhdf and `explain`.",
            List.of(ROWS_PER_SEGMENT, COMPRESSION, MAX_SEGMENT_AGE, RETENTION_MAX_AGE, RETENTION_MAX_BYTES));

    public static ArchiveSettings from(SettingValues v) {
        // Contiguous and uncompressed by default: deflate costs more than the rest of ingestion together, and
        // unfiltered segments are written in one sequential pass.
        Hdf5WriteOptions write = Hdf5WriteOptions.defaults();
        int level = v.get(COMPRESSION);
        write = level == 0 ? write.contiguous() : write.withChunks(write.chunkRows(), write.chunkCols())
                .withCompression(level, true);
        ArchiveOptions options = ArchiveOptions.defaults().withRowsPerSegment(v.get(ROWS_PER_SEGMENT))
                .withMaxSegmentAge(v.get(MAX_SEGMENT_AGE)).withWriteOptions(write);
        Duration age = v.get(RETENTION_MAX_AGE);
        long bytes = v.get(RETENTION_MAX_BYTES);
        return new ArchiveSettings(options, age == null && bytes == 0 ? null : new RetentionPolicy(age, bytes));
    }
}
