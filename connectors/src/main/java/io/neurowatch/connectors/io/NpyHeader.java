package io.neurowatch.connectors.io;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The validated header of an NPY file: format version, element type, byte order, shape and where the C-order data
 * starts. {@link NpyReader#readHeader} only returns headers whose data is complete and readable.
 *
 * <p>Immutable; {@link #shape()} returns a copy.
 *
 * @param majorVersion NPY format major version (1, 2 or 3)
 * @param minorVersion NPY format minor version (0)
 * @param dtype element type
 * @param byteOrder byte order of the data (little-endian for one-byte types)
 * @param shape dimensions, empty for a 0-d array
 * @param dataOffset byte offset of the first element in the file
 */
public record NpyHeader(int majorVersion, int minorVersion, NpyDtype dtype, ByteOrder byteOrder, long[] shape,
                        long dataOffset) {

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int ndim() {
        return shape.length;
    }

    /** Number of elements (1 for a 0-d array). */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes of element data that follow the header. */
    public long dataBytes() {
        return Math.multiplyExact(size(), dtype.itemSize());
    }

    /** The numpy descr string of the data, e.g. {@code >f8}. */
    public String descr() {
        return dtype.descr(byteOrder);
    }

    /** "float32 [3000, 4]", for messages. */
    public String describe() {
        return dtype.name().toLowerCase(java.util.Locale.ROOT) + " " + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && h.majorVersion == majorVersion && h.minorVersion == minorVersion
                && h.dtype == dtype && h.byteOrder.equals(byteOrder) && Arrays.equals(h.shape, shape)
                && h.dataOffset == dataOffset;
    }

    @Override
    public int hashCode() {
        return ((31 * majorVersion + dtype.hashCode()) * 31 + Arrays.hashCode(shape)) * 31
                + Long.hashCode(dataOffset);
    }

    @Override
    public String toString() {
        return "NpyHeader[v" + majorVersion + "." + minorVersion + ", " + descr() + ", " + Arrays.toString(shape)
                + ", dataOffset=" + dataOffset + "]";
    }
}
