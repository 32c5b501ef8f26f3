package io.neurowatch.connectors.archive;

import io.neurowatch.connectors.io.Hdf5ActivationSource;
import io.neurowatch.core.ActivationSource;
import java.io.IOException;

/**
 * A window's rows as an {@link ActivationSource}: the global rows {@code [rowFrom, rowTo)} of a store opened over
 * the window's segments, optionally thinned to the rows listed in {@code keep} (offsets from {@code rowFrom},
 * ascending). Column blocks are read straight from the segments with the store's blockwise sliced reads, so a
 * window that starts mid-segment reads only its own rows and nothing is copied up front.
 *
 * <p>Not thread-safe (one reader, like every source). Closing closes the underlying store.
 */
final class RowSelectionSource implements ActivationSource {
    private final Hdf5ActivationSource store;
    private final long rowFrom;
    private final long rowTo;
    private final int[] keep;

    /** @param keep offsets from {@code rowFrom} of the rows to keep, ascending; null keeps the whole range */
    RowSelectionSource(Hdf5ActivationSource store, long rowFrom, long rowTo, int[] keep) {
        if (rowFrom < 0 || rowTo > store.rows() || rowFrom > rowTo) {
            throw new IllegalArgumentException("rows [" + rowFrom + ", " + rowTo + ") outside " + store.describe());
        }
        this.store = store;
        this.rowFrom = rowFrom;
        this.rowTo = rowTo;
        this.keep = keep;
    }

    @Override
    public long rows() {
        return keep == null ? rowTo - rowFrom : keep.length;
    }

    @Override
    public int features() {
        return store.features();
    }

    @Override
    public double[][] readColumns(int from, int to) throws IOException {
        ActivationSource.checkRange(from, to, features());
        if (rowFrom == rowTo) {
            return new double[to - from][0];
        }
        double[][] span = store.readColumns(from, to, rowFrom, rowTo);
        if (keep == null) {
            return span;
        }
        double[][] out = new double[span.length][];
        for (int j = 0; j < span.length; j++) {
            double[] col = new double[keep.length];
            double[] src = span[j];
            for (int i = 0; i < keep.length; i++) {
                col[i] = src[keep[i]];
            }
            out[j] = col;
            span[j] = null; // let the span go column by column
        }
        return out;
    }

    @Override
    public boolean float32() {
        return store.float32();
    }

    @Override
    public String describe() {
        return store.describe() + ", rows [" + rowFrom + ", " + rowTo + ")"
                + (keep == null ? "" : " filtered by timestamp to " + keep.length);
    }

    @Override
    public void close() {
        store.close();
    }
}
