package io.neurowatch.core;

import java.io.IOException;

/**
 * A table of activations, {@code rows()} samples by {@code features()} flattened features, read column block by
 * column block so that a wide layer never has to sit in memory whole.
 *
 * <p>Implementations: {@link InMemoryActivations} (NPY files, tests, generated data) and the HDF5 store of
 * {@code connectors} (one file or a directory of segment files). Not thread-safe: one reader per source.
 */
public interface ActivationSource extends AutoCloseable {

    /** Number of samples N. */
    long rows();

    /** Number of flattened features D. */
    int features();

    /**
     * Reads features {@code [from, to)} for every row.
     *
     * @return {@code to - from} arrays of length {@link #rows()}: element {@code [j][i]} is feature {@code from + j}
     *     of sample {@code i}. Float32 data is widened exactly.
     * @throws IOException if the underlying file cannot be read; the message names the file
     * @throws IllegalArgumentException if the range is empty or outside {@code [0, features())}
     */
    double[][] readColumns(int from, int to) throws IOException;

    /**
     * Whether the stored values are float32 (widened to double by {@link #readColumns}); false for float64 data.
     * Reference-compatibility code needs it to apply float32 arithmetic where the reference did.
     */
    default boolean float32() {
        return true;
    }

    /** Where the data comes from, for error messages (a path, or "in-memory"). */
    String describe();

    @Override
    default void close() throws IOException {
    }

    /** Validates a column range against {@code features}; shared by implementations. */
    static void checkRange(int from, int to, int features) {
        if (from < 0 || to > features || from >= to) {
            throw new IllegalArgumentException(
                    "feature range [" + from + ", " + to + ") is empty or outside [0, " + features + ")");
        }
    }
}
