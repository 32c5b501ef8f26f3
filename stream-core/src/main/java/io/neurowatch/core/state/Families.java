package io.neurowatch.core.state;

import org.rocksdb.ColumnFamilyHandle;

/** The column family handles of an open {@link StatisticsStore}; layouts in {@link KeyCodec}. */
record Families(ColumnFamilyHandle meta, ColumnFamilyHandle offsets, ColumnFamilyHandle catalog,
        ColumnFamilyHandle sketches, ColumnFamilyHandle histograms, ColumnFamilyHandle counters) {
    static final String META = "meta";
    static final String OFFSETS = "offsets";
    static final String CATALOG = "catalog";
    static final String SKETCHES = "sketches";
    static final String HISTOGRAMS = "histograms";
    static final String COUNTERS = "counters";
}
