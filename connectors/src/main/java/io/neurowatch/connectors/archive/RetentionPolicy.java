package io.neurowatch.connectors.archive;

import java.time.Duration;

/**
 * Which segments {@link StreamArchive#applyRetention} drops. Whole segments go, always from the oldest end of a
 * layer, so what remains of a layer is contiguous and windows never see a hole.
 *
 * <p>Immutable.
 *
 * @param maxAge drop a layer's leading segments whose newest row ({@code max_timestamp}) is older than
 *     {@code now - maxAge}; null for no age limit
 * @param maxTotalBytes then, while the segment files of the whole archive exceed this many bytes, drop the oldest
 *     leading segment (smallest {@code max_timestamp}) of any layer; 0 for no size limit
 */
public record RetentionPolicy(Duration maxAge, long maxTotalBytes) {
    /** @throws IllegalArgumentException for a negative age or byte budget */
    public RetentionPolicy {
        if (maxAge != null && maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge " + maxAge + " is negative");
        }
        if (maxTotalBytes < 0) {
            throw new IllegalArgumentException("maxTotalBytes " + maxTotalBytes + " is negative");
        }
    }

    public static RetentionPolicy maxAge(Duration age) {
        return new RetentionPolicy(age, 0);
    }

    public static RetentionPolicy maxTotalBytes(long bytes) {
        return new RetentionPolicy(null, bytes);
    }
}
