package io.neurowatch.connectors.archive;

import io.neurowatch.connectors.io.Hdf5WriteOptions;
import java.time.Clock;
import java.time.Duration;

/**
 * How a {@link StreamArchive} cuts and writes segments.
 *
 * <p>Immutable.
 *
 * @param rowsPerSegment a layer's buffer becomes a segment when it holds this many rows; 0 picks about
 *     {@value #AUTO_SEGMENT_BYTES} bytes of {@code Y} per segment for the layer's D. A record's rows are never split
 *     across segments, so a segment may hold fewer rows (the next record did not fit) or, for a single record larger
 *     than this, more
 * @param maxSegmentAge a layer's buffer is also flushed once its oldest row was appended this long ago (by
 *     {@link #clock}), checked on every append and by {@link StreamArchive#flushIfDue}; null never flushes by time.
 *     This bounds how far the durable archive lags the consumer, hence how much Kafka must replay after a crash
 * @param writeOptions chunking and compression of {@code Y}; its {@code layer}/{@code model_id} are replaced per
 *     layer and its feature shape must be null (D differs between layers)
 * @param clock time source for segment ages and retention by age
 */
public record ArchiveOptions(int rowsPerSegment, Duration maxSegmentAge, Hdf5WriteOptions writeOptions, Clock clock) {
    /** Target size of an automatically sized segment: small enough to buffer several layers in memory. */
    public static final long AUTO_SEGMENT_BYTES = 64L << 20;

    /** @throws IllegalArgumentException for a negative row count, a non-positive age, or a feature shape */
    public ArchiveOptions {
        if (rowsPerSegment < 0) {
            throw new IllegalArgumentException("rowsPerSegment " + rowsPerSegment + " is negative");
        }
        if (maxSegmentAge != null && (maxSegmentAge.isNegative() || maxSegmentAge.isZero())) {
            throw new IllegalArgumentException("maxSegmentAge " + maxSegmentAge + " must be positive (or null)");
        }
        if (writeOptions == null || clock == null) {
            throw new IllegalArgumentException("writeOptions and clock are required");
        }
        if (writeOptions.featureShape() != null) {
            throw new IllegalArgumentException("writeOptions carry feature_shape "
                    + java.util.Arrays.toString(writeOptions.featureShape()) + " but an archive holds layers of"
                    + " different D; leave it null");
        }
    }

    /** Automatic segment size, 60 s maximum segment age, {@link Hdf5WriteOptions#defaults()}, the UTC clock. */
    public static ArchiveOptions defaults() {
        return new ArchiveOptions(0, Duration.ofSeconds(60), Hdf5WriteOptions.defaults(), Clock.systemUTC());
    }

    public ArchiveOptions withRowsPerSegment(int rows) {
        return new ArchiveOptions(rows, maxSegmentAge, writeOptions, clock);
    }

    public ArchiveOptions withMaxSegmentAge(Duration age) {
        return new ArchiveOptions(rowsPerSegment, age, writeOptions, clock);
    }

    public ArchiveOptions withWriteOptions(Hdf5WriteOptions options) {
        return new ArchiveOptions(rowsPerSegment, maxSegmentAge, options, clock);
    }

    public ArchiveOptions withClock(Clock c) {
        return new ArchiveOptions(rowsPerSegment, maxSegmentAge, writeOptions, c);
    }
}
