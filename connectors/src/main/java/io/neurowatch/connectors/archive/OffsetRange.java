package io.neurowatch.connectors.archive;

import io.neurowatch.core.state.SourcePartition;

/**
 * The records of one source partition whose rows a segment holds: offsets {@code first} to {@code last}, both
 * inclusive. Records inside the range that have no rows for the layer are simply absent from the segment.
 *
 * <p>Immutable.
 */
public record OffsetRange(SourcePartition partition, long first, long last) {
    /** @throws IllegalArgumentException if {@code first} is negative or after {@code last} */
    public OffsetRange {
        if (partition == null) {
            throw new IllegalArgumentException("partition is null");
        }
        if (first < 0 || first > last) {
            throw new IllegalArgumentException("offset range [" + first + ", " + last + "] of " + partition
                    + " is empty or negative");
        }
    }

    @Override
    public String toString() {
        return partition + "@[" + first + ", " + last + "]";
    }
}
