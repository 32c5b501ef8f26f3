package io.neurowatch.analyzers.featureviz;

/**
 * One rendered image.
 *
 * @param index position in the job's list of objectives
 * @param label the objective's label
 * @param height image height
 * @param width image width
 * @param image the image in [0,1] (post-sigmoid, never normalised), CHW row-major, 3·H·W floats
 * @param parameter the final parameter values, usable as {@link Start.Parameter} to continue
 * @param start how the image began (a noise start carries its resolved seed)
 * @param finalLoss the objective on the final image as the model sees it without transforms
 * @param lastStepLoss the objective at the last optimisation step (on that step's transformed image)
 * @param config the full configuration, including the job seed
 */
public record Rendered(int index, String label, int height, int width, float[] image, float[] parameter, Start start,
        double finalLoss, double lastStepLoss, RenderConfig config) {
    public Rendered {
        if (image.length != 3 * height * width) {
            throw new IllegalArgumentException("image has " + image.length + " values for 3x" + height + "x" + width);
        }
    }

    /** Value of channel c at (y, x). */
    public float pixel(int c, int y, int x) {
        return image[(c * height + y) * width + x];
    }

    /** The image as [3][H][W]. */
    public float[][][] chw() {
        float[][][] out = new float[3][height][width];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(image, (c * height + y) * width, out[c][y], 0, width);
            }
        }
        return out;
    }
}
