package io.neurowatch.core.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The content rules of the format, shared by the record constructors (so that every record instance encodes to a
 * valid record) and the decoders (which add byte offsets). Each check returns the first violation or null.
 * Stateless; thread-safe.
 */
final class WireChecks {

    private WireChecks() {
    }

    /** First NaN or infinite value of a row-major matrix with {@code width} columns. */
    static Violation nonFinite(float[] values, int width, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return new Violation(i, "non-finite " + what + " " + values[i] + " at row " + i / width
                        + ", column " + i % width);
            }
        }
        return null;
    }

    /** As {@link #nonFinite} over a matrix given row by row, all rows {@code width} wide. */
    static Violation nonFiniteRows(float[][] rows, String what) {
        for (int r = 0; r < rows.length; r++) {
            float[] row = rows[r];
            for (int c = 0; c < row.length; c++) {
                if (!Float.isFinite(row[c])) {
                    return new Violation(r * row.length + c, "non-finite " + what + " " + row[c] + " at row " + r
                            + ", column " + c);
                }
            }
        }
        return null;
    }

    /** The first row whose sample id already occurred in an earlier row. */
    static Violation duplicateSampleId(long[] sampleIds) {
        long[] sorted = sampleIds.clone();
        Arrays.sort(sorted);
        // Distinct repeated values, ascending; stays empty (and costs nothing more) for a valid batch.
        long[] repeated = new long[0];
        int count = 0;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1] && (count == 0 || repeated[count - 1] != sorted[i])) {
                if (count == repeated.length) {
                    repeated = Arrays.copyOf(repeated, Math.max(4, 2 * count));
                }
                repeated[count++] = sorted[i];
            }
        }
        if (count == 0) {
            return null;
        }
        // Report the earliest row that repeats an earlier one, not the smallest repeated id; primitive arrays only,
        // so that hostile input cannot make this path allocate boxed objects per row.
        int[] firstRow = new int[count];
        Arrays.fill(firstRow, -1);
        for (int row = 0; row < sampleIds.length; row++) {
            int k = Arrays.binarySearch(repeated, 0, count, sampleIds[row]);
            if (k >= 0) {
                if (firstRow[k] >= 0) {
                    return new Violation(row, "sample id " + sampleIds[row] + " occurs at rows " + firstRow[k]
                            + " and " + row);
                }
                firstRow[k] = row;
            }
        }
        throw new AssertionError("sorted ids had a duplicate the scan did not find");
    }

    /** CSR offsets of {@code rows} samples: offsets[0] = 0, non-decreasing, offsets[rows] = nnz. */
    static Violation labelOffsets(int[] offsets, int nnz) {
        if (offsets.length == 0) {
            return new Violation(Violation.WHOLE, "label offsets are empty; need one more than the batch size");
        }
        if (offsets[0] != 0) {
            return new Violation(0, "label offsets[0] is " + offsets[0] + ", must be 0");
        }
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] < offsets[i - 1]) {
                return new Violation(i, "label offsets decrease at index " + i + ": " + offsets[i - 1] + " then "
                        + offsets[i]);
            }
        }
        int last = offsets.length - 1;
        if (offsets[last] != nnz) {
            return new Violation(last, "label offsets[" + last + "] is " + offsets[last]
                    + ", must equal the number of concept ids " + nnz);
        }
        return null;
    }

    /** Concept ids of CSR rows (offsets already valid): non-negative, no concept twice within one sample. */
    static Violation conceptIds(int[] offsets, int[] conceptIds) {
        for (int row = 0; row + 1 < offsets.length; row++) {
            Violation v = conceptRow(conceptIds, offsets[row], offsets[row + 1], "sample row " + row);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** Concept ids of one sample occupying {@code [from, to)}. */
    static Violation conceptRow(int[] conceptIds, int from, int to, String where) {
        for (int i = from; i < to; i++) {
            if (conceptIds[i] < 0) {
                return new Violation(i, "negative concept id " + conceptIds[i] + " in " + where);
            }
        }
        if (to - from < 2) {
            return null;
        }
        int[] sorted = Arrays.copyOfRange(conceptIds, from, to);
        Arrays.sort(sorted);
        for (int k = 1; k < sorted.length; k++) {
            if (sorted[k] == sorted[k - 1]) {
                int repeated = sorted[k];
                boolean seen = false;
                for (int i = from; i < to; i++) {
                    if (conceptIds[i] == repeated) {
                        if (seen) {
                            return new Violation(i, "concept id " + repeated + " repeated in " + where);
                        }
                        seen = true;
                    }
                }
            }
        }
        return null;
    }

    /** Feature shape: rank 1..MAX_FEATURE_RANK, positive extents, product equal to {@code features}. */
    static Violation featureShape(int[] shape, int features) {
        if (shape.length == 0 || shape.length > WireFormat.MAX_FEATURE_RANK) {
            return new Violation(Violation.WHOLE, "feature shape rank " + shape.length + " is outside [1, "
                    + WireFormat.MAX_FEATURE_RANK + "]");
        }
        long product = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] <= 0) {
                return new Violation(i, "feature shape extent " + i + " is " + shape[i] + ", must be positive");
            }
            // Extents are positive ints and the rank is at most 8, but the product can still overflow a long;
            // stop as soon as it passes D.
            product = Math.min(product * shape[i], Long.MAX_VALUE / Integer.MAX_VALUE);
        }
        if (product != features) {
            return new Violation(Violation.WHOLE, "feature shape " + Arrays.toString(shape) + " has "
                    + (product >= Long.MAX_VALUE / Integer.MAX_VALUE ? "more than " + Integer.MAX_VALUE : product)
                    + " elements, but D is " + features);
        }
        return null;
    }

    /** Null if {@code value} is in {@code [1, max]}, else the reason. */
    static String dimension(String name, long value, long max) {
        if (value < 1 || value > max) {
            return name + " is " + value + ", must be in [1, " + max + "]";
        }
        return null;
    }

    /** UTF-8 bytes of a string field; null if it cannot be encoded (unpaired surrogate). */
    static byte[] utf8(String value) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(value)) {
            return null;
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Null if {@code value} is a valid string field, else the reason; null values are a programming error. */
    static String string(String name, String value, boolean allowEmpty) {
        Objects.requireNonNull(value, name);
        if (!allowEmpty && value.isEmpty()) {
            return name + " is empty";
        }
        byte[] bytes = utf8(value);
        if (bytes == null) {
            return name + " contains an unpaired surrogate and has no UTF-8 form";
        }
        if (bytes.length > WireFormat.MAX_STRING_BYTES) {
            return name + " has " + bytes.length + " UTF-8 bytes, more than " + WireFormat.MAX_STRING_BYTES;
        }
        return null;
    }
}
