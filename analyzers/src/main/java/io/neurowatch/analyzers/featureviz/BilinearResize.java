package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * torch's {@code upsample_bilinear2d} with align_corners = false, as two interpolation matrices:
 * out = R_h · x · R_wᵀ, which is linear, so the gradient is the transposed products. Source positions are
 * max(0, s·(i + ½) − ½) with s = 1/factor when a scale factor is given (what {@code F.interpolate(scale_factor=…)}
 * passes to the kernel) or s = in/out for a target size, evaluated in float32 as torch does for float tensors.
 */
public final class BilinearResize {
    private BilinearResize() {
    }

    /** Output length of {@code F.interpolate(scale_factor=f)}: ⌊n·f⌋. */
    public static int outputSize(int n, double factor) {
        return (int) Math.floor(n * factor);
    }

    /** [out, in] interpolation weights; {@code sourceScale} is s above. */
    static double[] matrix(int in, int out, double sourceScale) {
        double[] m = new double[out * in];
        float s = (float) sourceScale;
        for (int i = 0; i < out; i++) {
            float src = s * (i + 0.5f) - 0.5f;
            if (src < 0) {
                src = 0;
            }
            int i0 = (int) src;
            int step = i0 < in - 1 ? 1 : 0;
            float l1 = src - i0;
            float l0 = 1f - l1;
            m[i * in + i0] += l0;
            m[i * in + i0 + step] += l1;
        }
        return m;
    }

    /** Resize by factors, as {@code F.interpolate(x, scale_factor=(hf, wf), mode="bilinear")}. */
    public static NDArray byFactor(NDArray batch, double heightFactor, double widthFactor) {
        int h = Math.toIntExact(batch.getShape().get(2));
        int w = Math.toIntExact(batch.getShape().get(3));
        int oh = outputSize(h, heightFactor);
        int ow = outputSize(w, widthFactor);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("resize of " + h + "x" + w + " by " + heightFactor + "x" + widthFactor
                    + " is empty");
        }
        return apply(batch, matrix(h, oh, 1.0 / heightFactor), oh, matrix(w, ow, 1.0 / widthFactor), ow);
    }

    /** Resize to a size, as {@code F.interpolate(x, size=(oh, ow), mode="bilinear")}. */
    public static NDArray toSize(NDArray batch, int outHeight, int outWidth) {
        int h = Math.toIntExact(batch.getShape().get(2));
        int w = Math.toIntExact(batch.getShape().get(3));
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("target size must be positive, got " + outHeight + "x" + outWidth);
        }
        if (h == outHeight && w == outWidth) {
            return batch;
        }
        return apply(batch, matrix(h, outHeight, (double) h / outHeight), outHeight,
                matrix(w, outWidth, (double) w / outWidth), outWidth);
    }

    private static NDArray apply(NDArray batch, double[] rh, int oh, double[] rw, int ow) {
        int h = Math.toIntExact(batch.getShape().get(2));
        int w = Math.toIntExact(batch.getShape().get(3));
        NDArray rwT = Tensors.create(batch.getManager(), rw, new Shape(ow, w), batch.getDataType()).transpose();
        NDArray rhT = Tensors.create(batch.getManager(), rh, new Shape(oh, h), batch.getDataType()).transpose();
        return batch.matMul(rwT).transpose(0, 1, 3, 2).matMul(rhT).transpose(0, 1, 3, 2);
    }
}
