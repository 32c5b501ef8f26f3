package io.neurowatch.connectors.model;

import java.util.Arrays;

/**
 * Turns one image, float CHW in [0, 1] of any size, into a model input: channel conversion (gray → RGB by
 * repetition, RGB → gray by ITU-R 601 luma 0.299 R + 0.587 G + 0.114 B), bilinear resize with half-pixel centres
 * and no antialiasing (PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}), then optional
 * normalisation {@code (x - mean[c]) / std[c]}. Immutable.
 *
 * @param channels output channels, 1 or 3
 * @param height output height
 * @param width output width
 * @param mean per-channel mean (length 1 = every channel), or null for no normalisation
 * @param std per-channel standard deviation, null exactly when {@code mean} is
 */
public record ImageTransform(int channels, int height, int width, float[] mean, float[] std) {
    /** ImageNet's RGB mean, as torchvision's pretrained models expect. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet's RGB standard deviation. */
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public ImageTransform {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("model input must have 1 or 3 channels, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("model input size must be positive, got " + height + "x" + width);
        }
        if ((mean == null) != (std == null)) {
            throw new IllegalArgumentException("give both mean and std, or neither");
        }
        if (mean != null) {
            mean = mean.clone();
            std = std.clone();
            for (float[] v : new float[][] {mean, std}) {
                if (v.length != 1 && v.length != channels) {
                    throw new IllegalArgumentException("mean and std need 1 or " + channels + " values, got "
                            + v.length);
                }
            }
            for (float s : std) {
                if (!(s > 0)) {
                    throw new IllegalArgumentException("std values must be > 0, got " + Arrays.toString(std));
                }
            }
        }
    }

    /** Conversion and resize only. */
    public static ImageTransform to(int channels, int height, int width) {
        return new ImageTransform(channels, height, width, null, null);
    }

    /** This transform, then normalisation. */
    public ImageTransform normalized(float[] mean, float[] std) {
        return new ImageTransform(channels, height, width, mean, std);
    }

    @Override
    public float[] mean() {
        return mean == null ? null : mean.clone();
    }

    @Override
    public float[] std() {
        return std == null ? null : std.clone();
    }

    /** Floats per output image. */
    public int pixels() {
        return channels * height * width;
    }

    /**
     * Transforms one image into {@code out[offset .. offset + pixels())}.
     *
     * @param image float CHW [c, h, w]
     * @throws IllegalArgumentException if {@code c} is neither 1 nor 3, or the array is not c·h·w long
     */
    public void apply(float[] image, int c, int h, int w, float[] out, int offset) {
        if ((long) c * h * w != image.length) {
            throw new IllegalArgumentException(image.length + " floats are not an image of " + c + "x" + h + "x" + w);
        }
        float[] converted = convert(image, c, h * w);
        for (int k = 0; k < channels; k++) {
            resizePlane(converted, k * h * w, h, w, out, offset + k * height * width);
        }
        if (mean != null) {
            for (int k = 0; k < channels; k++) {
                float m = mean[mean.length == 1 ? 0 : k];
                float s = std[std.length == 1 ? 0 : k];
                int base = offset + k * height * width;
                for (int i = 0; i < height * width; i++) {
                    out[base + i] = (out[base + i] - m) / s;
                }
            }
        }
    }

    private float[] convert(float[] image, int c, int plane) {
        if (c == channels) {
            return image;
        }
        float[] out = new float[channels * plane];
        if (c == 1) {
            for (int k = 0; k < channels; k++) {
                System.arraycopy(image, 0, out, k * plane, plane);
            }
        } else if (c == 3) {
            for (int i = 0; i < plane; i++) {
                out[i] = 0.299f * image[i] + 0.587f * image[plane + i] + 0.114f * image[2 * plane + i];
            }
        } else {
            throw new IllegalArgumentException("images must have 1 or 3 channels, got " + c);
        }
        return out;
    }

    private void resizePlane(float[] src, int srcOffset, int h, int w, float[] dst, int dstOffset) {
        if (h == height && w == width) {
            System.arraycopy(src, srcOffset, dst, dstOffset, h * w);
            return;
        }
        float sy = (float) h / height;
        float sx = (float) w / width;
        for (int y = 0; y < height; y++) {
            float fy = Math.max(0f, (y + 0.5f) * sy - 0.5f);
            int y0 = Math.min((int) fy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            float ly = fy - y0;
            for (int x = 0; x < width; x++) {
                float fx = Math.max(0f, (x + 0.5f) * sx - 0.5f);
                int x0 = Math.min((int) fx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                float lx = fx - x0;
                float top = src[srcOffset + y0 * w + x0] * (1 - lx) + src[srcOffset + y0 * w + x1] * lx;
                float bottom = src[srcOffset + y1 * w + x0] * (1 - lx) + src[srcOffset + y1 * w + x1] * lx;
                dst[dstOffset + y * width + x] = top * (1 - ly) + bottom * ly;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageTransform t && channels == t.channels && height == t.height && width == t.width
                && Arrays.equals(mean, t.mean) && Arrays.equals(std, t.std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {channels, height, width, Arrays.hashCode(mean), Arrays.hashCode(std)});
    }

    @Override
    public String toString() {
        return "ImageTransform[" + channels + "x" + height + "x" + width
                + (mean == null ? "" : ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std)) + "]";
    }
}
