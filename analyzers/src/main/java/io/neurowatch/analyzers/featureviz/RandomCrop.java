package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * torchvision's {@code RandomCrop(size, pad_if_needed, fill)}: if the image is narrower than the crop, the width is
 * padded by (crop − W) on BOTH sides (torchvision's padding = [crop − W, 0]), likewise the height; then a window at
 * a uniformly drawn offset, top first. An image that already has the crop size is returned without a draw.
 */
public record RandomCrop(int height, int width, boolean padIfNeeded, double fill) implements Transform {
    public RandomCrop {
        if (height < 1 || width < 1 || !Double.isFinite(fill)) {
            throw new IllegalArgumentException("crop size must be positive with a finite fill");
        }
    }

    @Override
    public NDArray apply(NDArray batch, Random rng) {
        int h = Math.toIntExact(batch.getShape().get(2));
        int w = Math.toIntExact(batch.getShape().get(3));
        int padX = padIfNeeded && w < width ? width - w : 0;
        int padY = padIfNeeded && h < height ? height - h : 0;
        int ph = h + 2 * padY;
        int pw = w + 2 * padX;
        if (ph < height || pw < width) {
            throw new IllegalArgumentException("crop " + height + "x" + width + " is larger than the " + ph + "x" + pw
                    + " input; set padIfNeeded");
        }
        if (ph == height && pw == width && padX == 0 && padY == 0) {
            return batch;
        }
        int top = 0;
        int left = 0;
        if (ph != height || pw != width) {
            top = rng.nextInt(ph - height + 1);
            left = rng.nextInt(pw - width + 1);
        }
        return window(h, w, padY, padX, height, width, top, left).apply(batch, fill);
    }

    /**
     * The index map of "pad by {@code padTop} above and {@code padLeft} on the left (and whatever the window needs
     * below and on the right), then take the outH × outW window at (y0, x0)".
     */
    static IndexMap window(int h, int w, int padTop, int padLeft, int outH, int outW, int y0, int x0) {
        long[] source = new long[outH * outW];
        for (int i = 0; i < outH; i++) {
            int sy = y0 + i - padTop;
            for (int j = 0; j < outW; j++) {
                int sx = x0 + j - padLeft;
                source[i * outW + j] = sy >= 0 && sy < h && sx >= 0 && sx < w ? (long) sy * w + sx : -1;
            }
        }
        return new IndexMap(outH, outW, source);
    }
}
