package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * A geometric resampling by index: output pixel q takes input pixel {@code source[q]} (row-major h·W + w), or the
 * fill value where {@code source[q] < 0}. This is nearest-neighbour sampling, the reference's interpolation for
 * affine maps, and also pad and crop. The gradient of a gather is a scatter-add, so it is differentiable.
 */
record IndexMap(int outHeight, int outWidth, long[] source) {
    IndexMap {
        if (source.length != (long) outHeight * outWidth) {
            throw new IllegalArgumentException("index map has " + source.length + " entries for " + outHeight + "x"
                    + outWidth);
        }
    }

    NDArray apply(NDArray batch, double fill) {
        Shape s = batch.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long n = s.get(2) * s.get(3);
        long[] idx = new long[source.length];
        for (int q = 0; q < idx.length; q++) {
            if (source[q] >= n) {
                throw new IllegalStateException("index " + source[q] + " outside a " + s + " batch");
            }
            idx[q] = source[q] < 0 ? n : source[q];
        }
        NDArray flat = batch.reshape(b * c, n);
        NDArray fillColumn = batch.getManager().full(new Shape(b * c, 1), (float) fill, batch.getDataType());
        NDArray padded = NDArrays.concat(new NDList(flat, fillColumn), 1).transpose();
        NDArray gathered = padded.get(batch.getManager().create(idx));
        return gathered.transpose().reshape(b, c, outHeight, outWidth);
    }
}
