package io.neurowatch.connectors.archive;

import java.nio.file.Path;
import java.util.List;

/**
 * One flushed, immutable segment file of a layer, as its manifest entry describes it.
 *
 * <p>Immutable.
 *
 * @param file the segment file
 * @param sequence the number in its name ({@code seg-000042.h5} → 42); segments of a layer are in this order
 * @param rows rows (samples) in the segment, at least 1
 * @param minTimestamp smallest row timestamp (epoch ms)
 * @param maxTimestamp largest row timestamp (epoch ms); retention by age looks at this one
 * @param offsets for each source partition, the record offsets whose rows the segment holds
 * @param bytes size of the file
 */
public record SegmentInfo(Path file, long sequence, int rows, long minTimestamp, long maxTimestamp,
                          List<OffsetRange> offsets, long bytes) {
    public SegmentInfo {
        offsets = List.copyOf(offsets);
    }
}
