package io.neurowatch.connectors.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.exceptions.HdfException;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.EnumDataType;
import io.jhdf.object.datatype.FixedPoint;
import io.neurowatch.core.LabelMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a binary label matrix {@code [N, C]} (sample x concept) into a {@link LabelMatrix}, from NPY (bool, uint8,
 * int8, int32 or int64) or from an HDF5 dataset of any integer type or h5py's bool enum. The format is recognised
 * by the NPY magic; anything else is read as HDF5.
 *
 * <p>Every value must be 0 or 1: anything else is rejected with its row, column and value (the reference code
 * silently misreads such uint8 labels). The file is streamed in blocks of about a million values straight into
 * the bitsets, so memory stays at N x C / 8 bytes.
 *
 * <p>Stateless and thread-safe. Throws {@link FileFormatException} (naming the file) for any content problem and
 * {@link IOException} for I/O failures.
 */
public final class LabelReader {
    /** Dataset read from HDF5 files when none is named. */
    public static final String DEFAULT_DATASET = "labels";
    private static final long BLOCK_ELEMENTS = 1 << 20;

    private LabelReader() {
    }

    /** Reads an NPY file, or dataset {@value #DEFAULT_DATASET} of an HDF5 file. */
    public static LabelMatrix read(Path file) throws IOException {
        return read(file, DEFAULT_DATASET);
    }

    /**
     * @param datasetName the HDF5 dataset (path) to read; ignored for NPY files
     */
    public static LabelMatrix read(Path file, String datasetName) throws IOException {
        if (isNpy(file)) {
            return readNpy(file);
        }
        return readHdf5(file, datasetName == null ? DEFAULT_DATASET : datasetName);
    }

    private static boolean isNpy(Path file) throws IOException {
        if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy")) {
            return true; // let NpyReader report a bad magic rather than give a confusing HDF5 error
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(NpyReader.MAGIC.length);
            int n = 0;
            while (b.hasRemaining() && n >= 0) {
                n = ch.read(b);
            }
            return !b.hasRemaining() && Arrays.equals(b.array(), NpyReader.MAGIC);
        }
    }

    private static LabelMatrix readNpy(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader h = NpyReader.readHeader(file, ch);
            NpyDtype t = h.dtype();
            if (t == NpyDtype.FLOAT16 || t == NpyDtype.FLOAT32 || t == NpyDtype.FLOAT64 || h.ndim() != 2) {
                throw new FileFormatException(file, "labels must be a 2-D [N, C] array of bool, uint8, int8, int32"
                        + " or int64; found " + h.describe());
            }
            long[] shape = h.shape();
            checkShape(file, shape[0], shape[1]);
            int rows = (int) shape[0];
            int cols = (int) shape[1];
            LabelMatrix.Builder b = LabelMatrix.builder(rows, cols);
            if (cols == 0) {
                return b.build();
            }
            NpyReader.stream(file, ch, h, cols, (buf, first, count) -> {
                int row = (int) (first / cols);
                int col = 0;
                for (int k = 0; k < count; k++) {
                    long v = switch (t) {
                        case BOOL, INT8 -> buf.get();
                        case UINT8 -> buf.get() & 0xFF;
                        case INT32 -> buf.getInt();
                        default -> buf.getLong();
                    };
                    if (v == 1) {
                        b.set(row, col);
                    } else if (v != 0) {
                        throw badValue(file, "", row, col, Long.toString(v));
                    }
                    if (++col == cols) {
                        col = 0;
                        row++;
                    }
                }
            });
            return b.build();
        }
    }

    private static LabelMatrix readHdf5(Path file, String name) throws IOException {
        try (HdfFile hdf = Hdf5Support.open(file)) {
            Dataset ds = Hdf5Support.dataset(file, hdf, name);
            DataType type = ds.getDataType();
            Map<String, Integer> enumValues = null;
            if (type instanceof EnumDataType e) {
                enumValues = new HashMap<>();
                for (Map.Entry<Integer, String> m : e.getEnumMapping().entrySet()) {
                    enumValues.put(m.getValue(), m.getKey());
                }
            } else if (!(type instanceof FixedPoint)) {
                throw new FileFormatException(file, "dataset '" + name + "' has type "
                        + Hdf5Support.typeName(type) + "; labels must be an integer or bool type");
            }
            long[] dims = ds.getDimensionsAsLong();
            if (dims.length != 2) {
                throw new FileFormatException(file, "dataset '" + name + "' has shape " + Arrays.toString(dims)
                        + "; labels must be 2-D [N, C]");
            }
            checkShape(file, dims[0], dims[1]);
            int rows = (int) dims[0];
            int cols = (int) dims[1];
            LabelMatrix.Builder b = LabelMatrix.builder(rows, cols);
            if (rows == 0 || cols == 0) {
                return b.build();
            }
            int block = Hdf5Support.blockRows(ds, rows, cols, BLOCK_ELEMENTS);
            String where = " (dataset '" + name + "')";
            for (int r0 = 0; r0 < rows; r0 += block) {
                int n = Math.min(block, rows - r0);
                long[] offset = {r0, 0};
                int[] size = {n, cols};
                Object[] data;
                try {
                    data = (Object[]) ds.getData(offset, size);
                } catch (HdfException e) {
                    throw Hdf5Support.readFailure(file, name, offset, size, e);
                }
                for (int i = 0; i < n; i++) {
                    addRow(file, where, b, r0 + i, data[i], enumValues);
                }
            }
            return b.build();
        }
    }

    private static void addRow(Path file, String where, LabelMatrix.Builder b, int row, Object data,
                               Map<String, Integer> enumValues) throws FileFormatException {
        if (data instanceof byte[] a) {
            for (int c = 0; c < a.length; c++) {
                put(file, where, b, row, c, a[c]);
            }
        } else if (data instanceof short[] a) {
            for (int c = 0; c < a.length; c++) {
                put(file, where, b, row, c, a[c]);
            }
        } else if (data instanceof int[] a) {
            for (int c = 0; c < a.length; c++) {
                put(file, where, b, row, c, a[c]);
            }
        } else if (data instanceof long[] a) {
            for (int c = 0; c < a.length; c++) {
                put(file, where, b, row, c, a[c]);
            }
        } else if (data instanceof String[] a && enumValues != null) {
            for (int c = 0; c < a.length; c++) {
                Integer v = enumValues.get(a[c]);
                if (v == null || (v != 0 && v != 1)) {
                    throw badValue(file, where, row, c, a[c] + (v == null ? "" : " = " + v));
                }
                if (v == 1) {
                    b.set(row, c);
                }
            }
        } else if (data instanceof Object[] a) {
            // uint64 comes back as BigInteger.
            for (int c = 0; c < a.length; c++) {
                String s = String.valueOf(a[c]);
                if (s.equals("1")) {
                    b.set(row, c);
                } else if (!s.equals("0")) {
                    throw badValue(file, where, row, c, s);
                }
            }
        } else {
            throw new FileFormatException(file, "unexpected label row type " + data.getClass().getSimpleName()
                    + where);
        }
    }

    private static void put(Path file, String where, LabelMatrix.Builder b, int row, int col, long v)
            throws FileFormatException {
        if (v == 1) {
            b.set(row, col);
        } else if (v != 0) {
            throw badValue(file, where, row, col, Long.toString(v));
        }
    }

    private static FileFormatException badValue(Path file, String where, int row, int col, String value) {
        return new FileFormatException(file, "label value " + value + " at row " + row + ", column " + col + where
                + "; labels must be 0 or 1");
    }

    private static void checkShape(Path file, long rows, long cols) throws FileFormatException {
        if (rows > Integer.MAX_VALUE - 64 || cols > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(file, "label matrix [" + rows + ", " + cols + "] is too large");
        }
    }
}
