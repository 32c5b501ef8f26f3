package io.neurowatch.connectors.io;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * An n-dimensional array read from or written to an NPY file, in C (row-major) order.
 *
 * <p>{@code data} is a primitive array whose type depends on the dtype (see {@link NpyDtype}): {@code boolean[]},
 * {@code byte[]} (uint8 and int8), {@code int[]}, {@code long[]}, {@code short[]} (float16 bits), {@code float[]} or
 * {@code double[]}. The array is shared, not copied: do not modify it after construction. Otherwise immutable and
 * safe to share between threads.
 *
 * @param shape dimensions; empty for a 0-d array (one element)
 * @param dtype element type
 * @param data the elements, row-major
 * @throws IllegalArgumentException from the constructor if the data type or length does not match
 */
public record NpyArray(long[] shape, NpyDtype dtype, Object data) {

    public NpyArray {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (data.getClass() != dtype.arrayClass()) {
            throw new IllegalArgumentException("dtype " + dtype + " needs data of type "
                    + dtype.arrayClass().getSimpleName() + ", got " + data.getClass().getSimpleName());
        }
        int len = java.lang.reflect.Array.getLength(data);
        if (len != n) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n
                    + " elements but data has " + len);
        }
    }

    public static NpyArray ofBool(boolean[] data, long... shape) {
        return new NpyArray(shape, NpyDtype.BOOL, data);
    }

    /** Bytes are interpreted as unsigned 0..255. */
    public static NpyArray ofUint8(byte[] data, long... shape) {
        return new NpyArray(shape, NpyDtype.UINT8, data);
    }

    public static NpyArray ofInt8(byte[] data, long... shape) {
        return new NpyArray(shape, NpyDtype.INT8, data);
    }

    public static NpyArray ofInt32(int[] data, long... shape) {
        return new NpyArray(shape, NpyDtype.INT32, data);
    }

    public static NpyArray ofInt64(long[] data, long... shape) {
        return new NpyArray(shape, NpyDtype.INT64, data);
    }

    /** IEEE half-precision values given as their raw 16-bit patterns. */
    public static NpyArray ofFloat16Bits(short[] bits, long... shape) {
        return new NpyArray(shape, NpyDtype.FLOAT16, bits);
    }

    public static NpyArray ofFloat32(float[] data, long... shape) {
        return new NpyArray(shape, NpyDtype.FLOAT32, data);
    }

    public static NpyArray ofFloat64(double[] data, long... shape) {
        return new NpyArray(shape, NpyDtype.FLOAT64, data);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int ndim() {
        return shape.length;
    }

    /** Number of elements. */
    public int size() {
        return java.lang.reflect.Array.getLength(data);
    }

    /** Element {@code index} (row-major) as a double; exact for every dtype except int64 beyond 2^53. */
    public double getDouble(int index) {
        return switch (dtype) {
            case BOOL -> ((boolean[]) data)[index] ? 1.0 : 0.0;
            case UINT8 -> ((byte[]) data)[index] & 0xFF;
            case INT8 -> ((byte[]) data)[index];
            case INT32 -> ((int[]) data)[index];
            case INT64 -> ((long[]) data)[index];
            case FLOAT16 -> NpyDtype.halfToFloat(((short[]) data)[index]);
            case FLOAT32 -> ((float[]) data)[index];
            case FLOAT64 -> ((double[]) data)[index];
        };
    }

    /** All elements widened to double, row-major (a new array). */
    public double[] toDoubleRowMajor() {
        int n = size();
        double[] out = new double[n];
        if (dtype == NpyDtype.FLOAT64) {
            System.arraycopy(data, 0, out, 0, n);
            return out;
        }
        for (int i = 0; i < n; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /**
     * All elements as float, row-major (a new array). Exact for bool, 8-bit and float16/float32; float64 is rounded
     * and large int32/int64 values lose precision.
     */
    public float[] toFloatRowMajor() {
        int n = size();
        float[] out = new float[n];
        switch (dtype) {
            case FLOAT32 -> System.arraycopy(data, 0, out, 0, n);
            case INT32 -> {
                int[] a = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
            }
            case INT64 -> {
                long[] a = (long[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
            }
            case FLOAT64 -> {
                double[] a = (double[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = (float) a[i];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) getDouble(i);
                }
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && a.dtype == dtype && Arrays.equals(a.shape, shape)
                && Arrays.deepEquals(new Object[] {a.data}, new Object[] {data});
    }

    @Override
    public int hashCode() {
        return (31 * dtype.hashCode() + Arrays.hashCode(shape)) * 31 + Arrays.deepHashCode(new Object[] {data});
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype.name().toLowerCase(Locale.ROOT) + " " + Arrays.toString(shape) + "]";
    }
}
