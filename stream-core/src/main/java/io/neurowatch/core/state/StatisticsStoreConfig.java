package io.neurowatch.core.state;

/**
 * Settings of a {@link StatisticsStore}, fixed when it is opened. Copy-on-write: each {@code withX} returns a new
 * config, so {@link #defaults()} is safe to share.
 *
 * @param sketchPrecisionBits m, the mantissa bits of a {@link NeuronSketch} bucket: quantiles within relative
 *     error 2^-m / (2 + 2^-m), 0.78% for the default 6; each step up halves the error and doubles the buckets
 *     (at most {@code 20 * 2^m} per sign and neuron). Changing it affects new time buckets only; merged reads use
 *     the coarsest precision involved.
 * @param histogramQuantiles q: each neuron's bin edges are the first batch's quantiles at ranks i/q, giving at most
 *     {@code 2q + 3} bins (see {@link BinEdges}) and an AUROC error bound near {@code 1/(2q)} without drift.
 *     The writer caches one histogram per (neuron, concept) of the two newest buckets, {@code 16 * (2q + 3)}
 *     bytes each: about 2 KB for q = 64, so 512 neurons x 50 concepts take about 50 MB per bucket; lower q for
 *     wide layers with many concepts. Each apply rewrites the histograms it touches (about {@code 2 * (2q + 3)}
 *     bytes each). Changing q affects neurons seen for the first time only.
 * @param bucketMillis length of a time bucket; statistics are kept per bucket of sample timestamps and merged on
 *     read, so retention can drop whole buckets. Persisted: reopening with another value is refused.
 * @param syncWrites whether every write waits for fsync of the write-ahead log. With false, a process crash still
 *     loses nothing (the OS holds the log), but a machine crash may lose the last applies: statistics and offsets
 *     together, never one without the other.
 * @param stagingThreads threads that update sketches and histograms during an apply, the applying thread
 *     included (the store owns {@code stagingThreads - 1} more while open). Each thread takes a contiguous range
 *     of every layer's neurons, and every sketch and histogram receives the same values in the same order
 *     whatever this value, so it changes speed, not statistics. 1 stages on the applying thread alone.
 *     Default: {@link Runtime#availableProcessors()}.
 */
public record StatisticsStoreConfig(int sketchPrecisionBits, int histogramQuantiles, long bucketMillis, boolean syncWrites,
        int stagingThreads) {
    public static final int DEFAULT_HISTOGRAM_QUANTILES = 64;
    public static final long DEFAULT_BUCKET_MILLIS = 3_600_000L;
    /** A sanity bound: larger values are typos, and each thread costs a stack while the store is open. */
    public static final int MAX_STAGING_THREADS = 256;

    /** @throws IllegalArgumentException if a value is out of range */
    public StatisticsStoreConfig {
        NeuronSketch.checkPrecision(sketchPrecisionBits);
        if (histogramQuantiles < 1 || histogramQuantiles > 10_000) {
            throw new IllegalArgumentException("histogramQuantiles must be in [1, 10000], found "
                    + histogramQuantiles);
        }
        if (bucketMillis < 1) {
            throw new IllegalArgumentException("bucketMillis must be >= 1, found " + bucketMillis);
        }
        if (stagingThreads < 1 || stagingThreads > MAX_STAGING_THREADS) {
            throw new IllegalArgumentException("stagingThreads must be in [1, " + MAX_STAGING_THREADS + "], found "
                    + stagingThreads);
        }
    }

    /** With {@link #stagingThreads()} = {@link Runtime#availableProcessors()}. */
    public StatisticsStoreConfig(int sketchPrecisionBits, int histogramQuantiles, long bucketMillis, boolean syncWrites) {
        this(sketchPrecisionBits, histogramQuantiles, bucketMillis, syncWrites, defaultStagingThreads());
    }

    /** m = 6 (0.78% relative quantile error), q = 64, one-hour buckets, synchronous writes, one staging thread per available processor. */
    public static StatisticsStoreConfig defaults() {
        return new StatisticsStoreConfig(NeuronSketch.DEFAULT_PRECISION_BITS, DEFAULT_HISTOGRAM_QUANTILES,
                DEFAULT_BUCKET_MILLIS, true);
    }

    /** {@link Runtime#availableProcessors()}, capped at {@link #MAX_STAGING_THREADS}. */
    public static int defaultStagingThreads() {
        return Math.min(Runtime.getRuntime().availableProcessors(), MAX_STAGING_THREADS);
    }

    public StatisticsStoreConfig withSketchPrecisionBits(int bits) {
        return new StatisticsStoreConfig(bits, histogramQuantiles, bucketMillis, syncWrites, stagingThreads);
    }

    public StatisticsStoreConfig withHistogramQuantiles(int q) {
        return new StatisticsStoreConfig(sketchPrecisionBits, q, bucketMillis, syncWrites, stagingThreads);
    }

    public StatisticsStoreConfig withBucketMillis(long millis) {
        return new StatisticsStoreConfig(sketchPrecisionBits, histogramQuantiles, millis, syncWrites, stagingThreads);
    }

    public StatisticsStoreConfig withSyncWrites(boolean sync) {
        return new StatisticsStoreConfig(sketchPrecisionBits, histogramQuantiles, bucketMillis, sync, stagingThreads);
    }

    /** @throws IllegalArgumentException if {@code threads} is outside [1, {@link #MAX_STAGING_THREADS}] */
    public StatisticsStoreConfig withStagingThreads(int threads) {
        return new StatisticsStoreConfig(sketchPrecisionBits, histogramQuantiles, bucketMillis, syncWrites, threads);
    }
}
