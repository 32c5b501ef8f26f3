package io.neurowatch.analyzers.featureviz;

/**
 * The spectral weights and the real cos/sin matrices that reproduce torch's {@code irfft2(s=(H,W), norm="ortho")} of a
 * half spectrum (spec §3.2–3.3) with two real matrix products.
 *
 * <p>DJL's autograd does not pass through complex tensors, so the inverse transform is written over the real and
 * imaginary parts: with the scaled spectrum X = R + iI of one channel ([H, Wc]),
 * Zr = C_H·R − S_H·I, Zi = S_H·R + C_H·I, and t = (Zr·Cw − Zi·Sw)/√(HW), where Cw[k,w] = α_k cos(2πkw/W),
 * Sw[k,w] = α_k sin(2πkw/W), α_k = 1 for the DC and Nyquist columns and 2 otherwise. Because sin vanishes on the DC
 * (and Nyquist) column, the imaginary parts there are ignored, which is exactly the column-0 Hermitian
 * symmetrisation of the C2R transform (quirk F6), on every backend.
 *
 * <p>Two layouts occur: the torch-dreams parameter (⌈W/2⌉ columns; for even W the Nyquist column is dropped, i.e.
 * zero) and the full half spectrum of a start image (W/2+1 columns, §3.11). Parameters store a spectrum as
 * interleaved (re, im) pairs along the width, so a [H, Wc] spectrum is a real [H, 2·Wc] block.
 */
public final class SpectralBasis {
    /** Sample spacing of the frequency grid: d = √½ sets the centre frequency scale to 1 (§3.2). */
    public static final double SPACING = Math.sqrt(0.5);
    /** Applied to |f|², so the weight decays as 1/|f|^1.5. */
    public static final double DECAY_POWER = 0.75;

    private final int height;
    private final int width;
    private final int columns;

    private SpectralBasis(int height, int width, int columns) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
        this.columns = columns;
    }

    /** The torch-dreams parameter layout: ⌈W/2⌉ complex columns, parameter width W′ = W (even) or W+1 (odd). */
    public static SpectralBasis torchDreams(int height, int width) {
        return new SpectralBasis(height, width, (width + 1) / 2);
    }

    /** The full half spectrum of {@code rfft2}: W/2+1 columns, used for start images (spec §3.11). */
    public static SpectralBasis fullHalfSpectrum(int height, int width) {
        return new SpectralBasis(height, width, width / 2 + 1);
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Complex columns Wc. */
    public int columns() {
        return columns;
    }

    /** Width of the real parameter block, 2·Wc. */
    public int parameterWidth() {
        return 2 * columns;
    }

    /** NumPy's {@code fftfreq(n, d)[k]}, computed as NumPy does (integer index times 1/(n·d)). */
    public static double fftFreq(int n, int k, double d) {
        double val = 1.0 / (n * d);
        int positive = (n - 1) / 2 + 1;
        return (k < positive ? k : k - n) * val;
    }

    /** The spectral weight 1/max(|f|^1.5, 1/(max(W,H)·d)) for row h and column k, in double precision. */
    public double scale(int h, int k) {
        double fy = fftFreq(height, h, SPACING);
        double fx = k * (1.0 / (width * SPACING));
        double freqs = Math.pow(fx * fx + fy * fy, DECAY_POWER);
        return 1.0 / Math.max(freqs, 1.0 / (Math.max(width, height) * SPACING));
    }

    /** All weights, row-major [H, Wc], rounded to float32 like the reference's {@code tensor(scale).float()}. */
    public float[] scaleFloat32() {
        float[] out = new float[height * columns];
        for (int h = 0; h < height; h++) {
            for (int k = 0; k < columns; k++) {
                out[h * columns + k] = (float) scale(h, k);
            }
        }
        return out;
    }

    /** The weights repeated for the (re, im) pair, [H, 2·Wc], so that they multiply the real parameter directly. */
    double[] interleavedScale(boolean roundToFloat32) {
        double[] out = new double[height * 2 * columns];
        for (int h = 0; h < height; h++) {
            for (int k = 0; k < columns; k++) {
                double s = roundToFloat32 ? (float) scale(h, k) : scale(h, k);
                out[h * 2 * columns + 2 * k] = s;
                out[h * 2 * columns + 2 * k + 1] = s;
            }
        }
        return out;
    }

    private double alpha(int k) {
        return k == 0 || 2 * k == width ? 1.0 : 2.0;
    }

    /**
     * The right factor [2·Wc, 2W]: an interleaved row block P ([H, 2·Wc]) times it gives [A | B] with
     * A = R·Cw − I·Sw and B = R·Sw + I·Cw, both [H, W], already divided by √(HW).
     */
    double[] rightMatrix() {
        int w2 = 2 * width;
        double[] out = new double[2 * columns * w2];
        double norm = Math.sqrt((double) height * width);
        for (int k = 0; k < columns; k++) {
            double a = alpha(k) / norm;
            for (int w = 0; w < width; w++) {
                double angle = 2 * Math.PI * (((long) k * w) % width) / width;
                double c = a * Math.cos(angle);
                double s = a * Math.sin(angle);
                out[(2 * k) * w2 + w] = c;
                out[(2 * k) * w2 + width + w] = s;
                out[(2 * k + 1) * w2 + w] = -s;
                out[(2 * k + 1) * w2 + width + w] = c;
            }
        }
        return out;
    }

    /**
     * The transposed left factor [2H, H]: for the stacked [A; B] ([2H, W]), t = [C_H, −S_H]·[A; B], computed as
     * tᵀ = [A; B]ᵀ · this.
     */
    double[] leftMatrixTransposed() {
        double[] out = new double[2 * height * height];
        for (int j = 0; j < height; j++) {
            for (int h = 0; h < height; h++) {
                double angle = 2 * Math.PI * (((long) h * j) % height) / height;
                out[j * height + h] = Math.cos(angle);
                out[(height + j) * height + h] = -Math.sin(angle);
            }
        }
        return out;
    }

    /**
     * Plain double-precision irfft2 of one channel's interleaved, unscaled-by-weights spectrum [H, 2·Wc] (the weights
     * are NOT applied here): the same real-basis formula evaluated directly. Used to check the tensor path and to
     * round-trip start images.
     */
    public double[] irfft2(double[] interleaved) {
        checkLength(interleaved, height * 2 * columns, "spectrum");
        double[] right = rightMatrix();
        double[] left = leftMatrixTransposed();
        int w2 = 2 * width;
        double[] ab = new double[height * w2];
        for (int h = 0; h < height; h++) {
            for (int q = 0; q < 2 * columns; q++) {
                double v = interleaved[h * 2 * columns + q];
                if (v == 0) {
                    continue;
                }
                for (int c = 0; c < w2; c++) {
                    ab[h * w2 + c] += v * right[q * w2 + c];
                }
            }
        }
        double[] t = new double[height * width];
        for (int h = 0; h < height; h++) {
            for (int w = 0; w < width; w++) {
                double sum = 0;
                for (int j = 0; j < height; j++) {
                    sum += left[j * height + h] * ab[j * w2 + w]
                            + left[(height + j) * height + h] * ab[j * w2 + width + w];
                }
                t[h * width + w] = sum;
            }
        }
        return t;
    }

    /**
     * Ortho-normalised {@code rfft2} of a real [H, W] channel, truncated to this basis' columns, interleaved
     * [H, 2·Wc]. Separable (rows, then columns), so O(HW(H+W)).
     */
    public double[] rfft2(double[] image) {
        checkLength(image, height * width, "image");
        double[] rowRe = new double[height * columns];
        double[] rowIm = new double[height * columns];
        for (int h = 0; h < height; h++) {
            for (int k = 0; k < columns; k++) {
                double re = 0;
                double im = 0;
                for (int w = 0; w < width; w++) {
                    double angle = 2 * Math.PI * (((long) k * w) % width) / width;
                    double v = image[h * width + w];
                    re += v * Math.cos(angle);
                    im -= v * Math.sin(angle);
                }
                rowRe[h * columns + k] = re;
                rowIm[h * columns + k] = im;
            }
        }
        double norm = Math.sqrt((double) height * width);
        double[] out = new double[height * 2 * columns];
        for (int kh = 0; kh < height; kh++) {
            for (int k = 0; k < columns; k++) {
                double re = 0;
                double im = 0;
                for (int h = 0; h < height; h++) {
                    double angle = 2 * Math.PI * (((long) kh * h) % height) / height;
                    double c = Math.cos(angle);
                    double s = -Math.sin(angle);
                    double xr = rowRe[h * columns + k];
                    double xi = rowIm[h * columns + k];
                    re += xr * c - xi * s;
                    im += xr * s + xi * c;
                }
                out[kh * 2 * columns + 2 * k] = re / norm;
                out[kh * 2 * columns + 2 * k + 1] = im / norm;
            }
        }
        return out;
    }

    private static void checkLength(double[] a, int expected, String what) {
        if (a.length != expected) {
            throw new IllegalArgumentException(what + " has " + a.length + " values, expected " + expected);
        }
    }
}
