package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Lucid's colour decorrelation and the ImageNet normalisation (spec §3.4–3.5).
 *
 * <p>rgb = M·t per pixel with M = S / max_j ‖S[:,j]‖₂; a start image goes the other way through inv(Mᵀ) on the
 * pixel rows. The model always sees (img − μ)/s.
 */
public final class ColourSpace {
    /** Lucid's square root of the colour correlation, before normalisation. */
    public static final double[][] CORRELATION_SVD_SQRT = {
        {0.26, 0.09, 0.02},
        {0.27, 0.00, -0.05},
        {0.27, -0.09, 0.03},
    };
    public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    private ColourSpace() {
    }

    /** M = S / max column norm (0.4619524). */
    public static double[][] decorrelation() {
        double max = 0;
        for (int j = 0; j < 3; j++) {
            double n = 0;
            for (int i = 0; i < 3; i++) {
                n += CORRELATION_SVD_SQRT[i][j] * CORRELATION_SVD_SQRT[i][j];
            }
            max = Math.max(max, Math.sqrt(n));
        }
        double[][] m = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                m[i][j] = CORRELATION_SVD_SQRT[i][j] / max;
            }
        }
        return m;
    }

    /** inv(Mᵀ): a pixel row r (HWC layout) maps to r·inv(Mᵀ) in the decorrelated space. */
    public static double[][] inverseDecorrelationTransposed() {
        double[][] m = decorrelation();
        double[][] mt = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                mt[i][j] = m[j][i];
            }
        }
        return invert3(mt);
    }

    static double[][] invert3(double[][] a) {
        double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
                - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
        if (Math.abs(det) < 1e-12) {
            throw new IllegalArgumentException("singular 3x3 matrix");
        }
        double[][] inv = new double[3][3];
        inv[0][0] = (a[1][1] * a[2][2] - a[1][2] * a[2][1]) / det;
        inv[0][1] = (a[0][2] * a[2][1] - a[0][1] * a[2][2]) / det;
        inv[0][2] = (a[0][1] * a[1][2] - a[0][2] * a[1][1]) / det;
        inv[1][0] = (a[1][2] * a[2][0] - a[1][0] * a[2][2]) / det;
        inv[1][1] = (a[0][0] * a[2][2] - a[0][2] * a[2][0]) / det;
        inv[1][2] = (a[0][2] * a[1][0] - a[0][0] * a[1][2]) / det;
        inv[2][0] = (a[1][0] * a[2][1] - a[1][1] * a[2][0]) / det;
        inv[2][1] = (a[0][1] * a[2][0] - a[0][0] * a[2][1]) / det;
        inv[2][2] = (a[0][0] * a[1][1] - a[0][1] * a[1][0]) / det;
        return inv;
    }

    /** Mᵀ as a [3,3] array, the right factor for HWC pixel rows. */
    static NDArray decorrelationTransposed(NDManager manager, DataType type) {
        double[][] m = decorrelation();
        double[] flat = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                flat[i * 3 + j] = m[j][i];
            }
        }
        return Tensors.create(manager, flat, new Shape(3, 3), type);
    }

    static NDArray mean(NDManager manager, DataType type) {
        return Tensors.create(manager, IMAGENET_MEAN, new Shape(1, 3, 1, 1), type);
    }

    static NDArray std(NDManager manager, DataType type) {
        return Tensors.create(manager, IMAGENET_STD, new Shape(1, 3, 1, 1), type);
    }

    /** Channel mixing of an NCHW tensor by the right factor {@code mT} ([3,3]) on pixel rows. */
    static NDArray mixChannels(NDArray nchw, NDArray mT) {
        return nchw.transpose(0, 2, 3, 1).matMul(mT).transpose(0, 3, 1, 2);
    }
}
