package io.neurowatch.core.wire;

/**
 * The first problem a {@link WireChecks} check found: which element of the checked array, and what is wrong.
 * Records turn it into an {@link IllegalArgumentException}; decoders turn the index into a byte offset.
 *
 * @param index element index within the checked array, or {@link #WHOLE} when the array as a whole is wrong
 * @param message what is wrong, naming rows, columns and values
 */
record Violation(int index, String message) {
    /** Index of a violation that concerns the whole array (its length, rank or product). */
    static final int WHOLE = -1;
}
