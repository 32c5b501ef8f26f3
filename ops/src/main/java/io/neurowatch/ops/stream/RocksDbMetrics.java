package io.neurowatch.ops.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.neurowatch.core.state.StatisticsStore;
import io.neurowatch.core.state.StorageFigures;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * RocksDB figures of the statistics stores (summed over this instance's tasks) as gauges ({@code neurowatch.rocksdb.*}, docs/streaming.md#metrics). A
 * scrape reads the five figures once (they are cached for a second, since each gauge is read separately); while
 * there is no open store the gauges are NaN.
 */
public final class RocksDbMetrics {
    private static final long CACHE_NANOS = 1_000_000_000L;

    private final Supplier<List<StatisticsStore>> stores;
    private StorageFigures cached;
    private long cachedAt;

    private RocksDbMetrics(Supplier<List<StatisticsStore>> stores) {
        this.stores = stores;
    }

    /** @param stores the open stores (one per task of this instance), read at every scrape; figures are summed */
    public static void bind(MeterRegistry registry, Supplier<List<StatisticsStore>> stores) {
        RocksDbMetrics m = new RocksDbMetrics(stores);
        m.gauge(registry, "neurowatch.rocksdb.live.data", "estimated live data", StorageFigures::liveDataBytes);
        m.gauge(registry, "neurowatch.rocksdb.sst.files", "all SST files", StorageFigures::sstFilesBytes);
        m.gauge(registry, "neurowatch.rocksdb.memtables", "active and immutable memtables",
                StorageFigures::memtableBytes);
        m.gauge(registry, "neurowatch.rocksdb.block.cache", "block cache usage", StorageFigures::blockCacheBytes);
        Gauge.builder("neurowatch.rocksdb.keys", m, x -> x.value(StorageFigures::estimatedKeys))
                .description("estimated keys in the statistics store").strongReference(true).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String what, ToLongFunction<StorageFigures> figure) {
        // Strong: nothing else holds this object, and a gauge's weak reference would let it be collected (NaN).
        Gauge.builder(name, this, x -> x.value(figure)).baseUnit("bytes").strongReference(true)
                .description(what + " of the statistics store (RocksDB)").register(registry);
    }

    private synchronized double value(ToLongFunction<StorageFigures> figure) {
        long now = System.nanoTime();
        if (cached == null || now - cachedAt > CACHE_NANOS) {
            cached = null;
            List<StatisticsStore> open = stores.get();
            if (!open.isEmpty()) {
                long live = 0;
                long sst = 0;
                long mem = 0;
                long cache = 0;
                long keys = 0;
                try {
                    for (StatisticsStore s : open) {
                        StorageFigures f = s.storageFigures();
                        live += f.liveDataBytes();
                        sst += f.sstFilesBytes();
                        mem += f.memtableBytes();
                        cache += f.blockCacheBytes();
                        keys += f.estimatedKeys();
                    }
                    cached = new StorageFigures(live, sst, mem, cache, keys);
                    cachedAt = now;
                } catch (RuntimeException closedOrFailing) {
                    cached = null;
                }
            }
        }
        return cached == null ? Double.NaN : figure.applyAsLong(cached);
    }
}
