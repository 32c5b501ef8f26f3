package io.neurowatch.connectors.archive;

import java.time.Duration;

/**
 * Which archived rows of a layer a labelling window covers. Rows are in archive order (the order they were
 * appended); only flushed, retained segments count.
 *
 * <p>Immutable.
 */
public sealed interface WindowSpec {

    /** Every retained row. */
    static WindowSpec all() {
        return new All();
    }

    /** The newest {@code n} rows in archive order (all of them if fewer). */
    static WindowSpec lastSamples(long n) {
        return new LastSamples(n);
    }

    /**
     * The rows whose timestamp is within {@code d} of the newest archived timestamp of the layer:
     * {@code timestamp >= newest - d}. Relative to the data, not the wall clock, so a stalled stream still has a
     * window; use {@link #since} for a wall-clock cut.
     */
    static WindowSpec lastDuration(Duration d) {
        return new LastDuration(d);
    }

    /** The rows with {@code timestamp >= epochMillis}. */
    static WindowSpec since(long epochMillis) {
        return new Since(epochMillis);
    }

    record All() implements WindowSpec {
    }

    record LastSamples(long n) implements WindowSpec {
        public LastSamples {
            if (n < 0) {
                throw new IllegalArgumentException("window of " + n + " samples");
            }
        }
    }

    record LastDuration(Duration duration) implements WindowSpec {
        public LastDuration {
            if (duration == null || duration.isNegative()) {
                throw new IllegalArgumentException("window duration " + duration + " must be non-negative");
            }
        }
    }

    record Since(long epochMillis) implements WindowSpec {
    }
}
