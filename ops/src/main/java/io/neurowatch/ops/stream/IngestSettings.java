package io.neurowatch.ops.stream;

import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import java.util.List;

/**
 * What the door accepts: records are decoded and validated against these limits before any stage sees them.
 *
 * @param maxRecordBytes larger records are dead letters ({@code OVERSIZE})
 */
public record IngestSettings(int maxRecordBytes) {
    public static final Setting<Integer> MAX_RECORD_BYTES = Setting.integer("max-record-bytes", 64 << 20,
            "larger records are dead letters (`OVERSIZE`)", Setting.atLeast(1024));

    public static final SettingsTable.Group GROUP = new SettingsTable.Group("ingest",
            "Decoding and validation of every record; what fails goes to the dead-letter topic with its reason.",
            List.of(MAX_RECORD_BYTES));

    public static IngestSettings from(SettingValues v) {
        return new IngestSettings(v.get(MAX_RECORD_BYTES));
    }
}
