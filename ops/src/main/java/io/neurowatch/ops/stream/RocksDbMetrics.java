package io.neurowatch.ops.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.neurowatch.core.state.StatisticsStore;
import io.neurowatch.core.state.StorageFigures;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * RocksDB figures of the statistics store as gauges ({@code neurowatch.rocksdb.*}, docs/streaming.md#metrics). A
 * scrape reads the five figures once (they are cached for a second, since each gauge is read separately); while
 * there is no open store the gauges are NaN.
 */
public final class RocksDbMetrics {
    private static final long CACHE_NANOS = 1_000_000_000L;

    private final Supplier<StatisticsStore> store;
    private StorageFigures cached;
    private long cachedAt;

    private RocksDbMetrics(Supplier<StatisticsStore> store) {
        this.store = store;
    }

    /** @param store the current store, null while there is none (called at every scrape) */
    public static void bind(MeterRegistry registry, Supplier<StatisticsStore> store) {
        RocksDbMetrics m = new RocksDbMetrics(store);
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
            StatisticsStore s = store.get();
            if (s != null) {
                try {
                    cached = s.storageFigures();
                    cachedAt = now;
                } catch (RuntimeException closedOrFailing) {
                    cached = null;
                }
            }
        }
        return cached == null ? Double.NaN : figure.applyAsLong(cached);
    }
}
