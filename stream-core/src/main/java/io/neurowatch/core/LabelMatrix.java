package io.neurowatch.core;

import java.util.Arrays;

/**
 * Binary multi-label annotations of N samples with C concepts, stored column-wise as bitsets
 * ({@code C x ceil(N/64)} longs: 9.2 MB for 50,000 x 1,473 where a bool matrix takes 73.7 MB).
 *
 * <p>Bit {@code i % 64} of word {@code i / 64} of column {@code c} is set iff sample {@code i} carries concept
 * {@code c}. Bits beyond N are always clear. Immutable once built; safe to share between threads.
 */
public final class LabelMatrix {
    private final int rows;
    private final long[][] columns;

    private LabelMatrix(int rows, long[][] columns) {
        this.rows = rows;
        this.columns = columns;
    }

    /** Number of words per column for {@code rows} samples. */
    public static int words(int rows) {
        return (rows + 63) >>> 6;
    }

    public int rows() {
        return rows;
    }

    public int concepts() {
        return columns.length;
    }

    /** The bitset of concept {@code c}. The returned array is shared: callers must not modify it. */
    public long[] column(int c) {
        return columns[c];
    }

    public boolean get(int row, int concept) {
        return (columns[concept][row >>> 6] & (1L << row)) != 0;
    }

    /** Number of samples carrying concept {@code c}. */
    public int count(int c) {
        int n = 0;
        for (long w : columns[c]) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** Builds a label matrix row by row. Not thread-safe. */
    public static Builder builder(int rows, int concepts) {
        return new Builder(rows, concepts);
    }

    /** Incremental builder: call {@link #set} for every positive entry, then {@link #build}. */
    public static final class Builder {
        private final int rows;
        private final long[][] columns;
        private boolean built;

        private Builder(int rows, int concepts) {
            if (rows < 0 || concepts < 0) {
                throw new IllegalArgumentException("negative shape [" + rows + ", " + concepts + "]");
            }
            this.rows = rows;
            this.columns = new long[concepts][words(rows)];
        }

        public Builder set(int row, int concept) {
            if (built) {
                throw new IllegalStateException("builder already used");
            }
            if (row < 0 || row >= rows || concept < 0 || concept >= columns.length) {
                throw new IndexOutOfBoundsException(
                        "label (" + row + ", " + concept + ") outside [" + rows + ", " + columns.length + "]");
            }
            columns[concept][row >>> 6] |= 1L << row;
            return this;
        }

        public LabelMatrix build() {
            built = true;
            return new LabelMatrix(rows, columns);
        }
    }

    /** Builds from a dense row-major 0/1 matrix; for tests and small inputs. */
    public static LabelMatrix fromDense(boolean[][] rowsByConcept, int concepts) {
        Builder b = builder(rowsByConcept.length, concepts);
        for (int i = 0; i < rowsByConcept.length; i++) {
            for (int c = 0; c < concepts; c++) {
                if (rowsByConcept[i][c]) {
                    b.set(i, c);
                }
            }
        }
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMatrix m && m.rows == rows && Arrays.deepEquals(m.columns, columns);
    }

    @Override
    public int hashCode() {
        return 31 * rows + Arrays.deepHashCode(columns);
    }
}
