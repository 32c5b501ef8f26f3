package io.neurowatch.core.state;

/**
 * RocksDB's own size figures of a {@link StatisticsStore}, summed over its column families, for monitoring. All are
 * RocksDB estimates, read without a lock, so they may lag writes by a flush or a compaction.
 *
 * @param liveDataBytes estimated size of the live data ({@code rocksdb.estimate-live-data-size})
 * @param sstFilesBytes size of all SST files, obsolete ones included ({@code rocksdb.total-sst-files-size})
 * @param memtableBytes memory of the active and immutable memtables ({@code rocksdb.cur-size-all-mem-tables})
 * @param blockCacheBytes memory held by the block caches ({@code rocksdb.block-cache-usage}), each cache once
 * @param estimatedKeys estimated number of keys ({@code rocksdb.estimate-num-keys})
 */
public record StorageFigures(long liveDataBytes, long sstFilesBytes, long memtableBytes, long blockCacheBytes,
                             long estimatedKeys) {
}
