package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Small conversions between Java arrays and NDArrays. */
final class Tensors {
    private Tensors() {
    }

    /** A float32 or float64 array from double values; float32 rounds each value once, like {@code .float()}. */
    static NDArray create(NDManager manager, double[] values, Shape shape, DataType type) {
        if (type == DataType.FLOAT64) {
            return manager.create(values, shape);
        }
        if (type != DataType.FLOAT32) {
            throw new IllegalArgumentException("only float32 and float64 are supported, got " + type);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return manager.create(f, shape);
    }

    /** The values of a floating-point array as float32, whatever its type. */
    static float[] floats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    /** The values of a floating-point array as doubles. */
    static double[] doubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * {@code v} as the Number type matching {@code like}: DJL turns a Double into a float64 scalar tensor, and for
     * 0-dimensional operands (every loss) torch's type promotion would then silently make the result float64.
     */
    static Number number(NDArray like, double v) {
        return like.getDataType() == DataType.FLOAT64 ? (Number) v : (Number) (float) v;
    }

    /** One scalar of a loss array as a double. */
    static double scalar(NDArray a) {
        if (a.size() != 1) {
            throw new IllegalArgumentException("expected a single value, got shape " + a.getShape());
        }
        return doubles(a)[0];
    }
}
