package io.neurowatch.connectors.archive;

import io.neurowatch.core.state.SourceOffset;

/**
 * The arguments of one {@link StreamArchive#append} call, checked: the rows of one consumed record for one layer.
 * The arrays are the caller's; {@link SegmentBuffer} copies the ids, timestamps and labels it keeps and keeps the
 * row arrays themselves (the caller hands them over).
 *
 * @param labelOffsets CSR row offsets (rows + 1, from 0, non-decreasing, ending at labelConcepts.length), or null
 *     when the record carries no labels: every row then has no concept
 */
record AppendBatch(LayerKey key, long[] sampleIds, long[] timestamps, int rows, int cols, float[][] rowArrays,
                   long[] labelOffsets, int[] labelConcepts, SourceOffset position) {

    /** @throws IllegalArgumentException naming the model/layer and the record for any inconsistent argument */
    AppendBatch {
        String where = key + " record " + position;
        if (position == null) {
            throw new IllegalArgumentException(key + ": position (the record's topic/partition/offset) is null");
        }
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(where + ": negative shape [" + rows + ", " + cols + "]");
        }
        if (rows > 0 && cols == 0) {
            throw new IllegalArgumentException(where + ": rows with 0 features cannot be stored");
        }
        if (rowArrays == null || rowArrays.length != rows) {
            throw new IllegalArgumentException(where + ": shape [" + rows + ", " + cols + "] needs " + rows
                    + " rows but " + (rowArrays == null ? "null" : rowArrays.length) + " were given");
        }
        for (int i = 0; i < rows; i++) {
            if (rowArrays[i] == null || rowArrays[i].length != cols) {
                throw new IllegalArgumentException(where + ": row " + i + " has "
                        + (rowArrays[i] == null ? "no" : rowArrays[i].length) + " values, D = " + cols);
            }
        }
        if (sampleIds == null || sampleIds.length != rows || timestamps == null || timestamps.length != rows) {
            throw new IllegalArgumentException(where + ": need " + rows + " sample ids and timestamps, got "
                    + (sampleIds == null ? "null" : sampleIds.length) + " and "
                    + (timestamps == null ? "null" : timestamps.length));
        }
        if (labelOffsets == null) {
            if (labelConcepts != null && labelConcepts.length > 0) {
                throw new IllegalArgumentException(where + ": label concepts given without label offsets");
            }
            labelConcepts = new int[0];
        } else {
            checkLabels(where, rows, labelOffsets, labelConcepts);
            if (labelConcepts == null) {
                labelConcepts = new int[0];
            }
        }
    }

    private static void checkLabels(String where, int rows, long[] offsets, int[] concepts) {
        if (offsets.length != rows + 1 || offsets[0] != 0) {
            throw new IllegalArgumentException(where + ": label offsets must have rows + 1 = " + (rows + 1)
                    + " entries starting at 0; found " + offsets.length + " entries"
                    + (offsets.length > 0 ? " starting at " + offsets[0] : ""));
        }
        for (int i = 0; i < rows; i++) {
            if (offsets[i + 1] < offsets[i]) {
                throw new IllegalArgumentException(where + ": label offsets decrease at row " + i);
            }
        }
        int nnz = concepts == null ? 0 : concepts.length;
        if (offsets[rows] != nnz) {
            throw new IllegalArgumentException(where + ": label offsets end at " + offsets[rows] + " but " + nnz
                    + " label concepts were given");
        }
        for (int k = 0; k < nnz; k++) {
            if (concepts[k] < 0) {
                throw new IllegalArgumentException(where + ": negative concept index " + concepts[k] + " at entry "
                        + k);
            }
        }
    }

    int labelCount() {
        return labelConcepts.length;
    }

    long labelStart(int row) {
        return labelOffsets == null ? 0 : labelOffsets[row];
    }

    long labelEnd(int row) {
        return labelOffsets == null ? 0 : labelOffsets[row + 1];
    }
}
