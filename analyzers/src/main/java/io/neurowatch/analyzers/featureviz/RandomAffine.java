package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * torchvision's {@code RandomAffine} on tensors with NEAREST interpolation, written as an index gather (spec §3.6):
 * rotation by U(±degrees) about the image centre, an integer translation round(U(±tx·W)), round(U(±ty·H)), a scale
 * U(scaleMin, scaleMax) and an x-shear U(±shearX) degrees; pixels mapped from outside the image take {@code fill}
 * (in normalised space, so 0 is the ImageNet-mean colour).
 *
 * <p>Draw order follows torchvision: angle, tx, ty, scale, shear. The translation range uses (W, H), fixing quirk F3
 * (the reference's paired affine used (H, channels)).
 */
public record RandomAffine(double degrees, double translateX, double translateY, double scaleMin, double scaleMax,
        double shearX, double fill) implements Transform {

    public RandomAffine {
        if (!(degrees >= 0) || !(translateX >= 0) || !(translateY >= 0) || !(shearX >= 0)) {
            throw new IllegalArgumentException("ranges must be non-negative");
        }
        if (!(scaleMin > 0) || !(scaleMax >= scaleMin)) {
            throw new IllegalArgumentException("scale range must satisfy 0 < min <= max, got " + scaleMin + ".."
                    + scaleMax);
        }
        if (!Double.isFinite(fill)) {
            throw new IllegalArgumentException("fill must be finite");
        }
    }

    /** Rotation and translation only, scale 1, no shear. */
    public static RandomAffine of(double degrees, double translateX, double translateY, double fill) {
        return new RandomAffine(degrees, translateX, translateY, 1, 1, 0, fill);
    }

    /** One draw of the parameters: angle and shear in degrees, translation in pixels. */
    public record Draw(double angle, int translateX, int translateY, double scale, double shearX) {
        boolean isIdentity() {
            return angle == 0 && translateX == 0 && translateY == 0 && scale == 1 && shearX == 0;
        }
    }

    public Draw draw(Random rng, int height, int width) {
        double angle = uniform(rng, -degrees, degrees);
        double maxDx = translateX * width;
        double maxDy = translateY * height;
        // Python's round() is round-half-even, as is rint.
        int tx = (int) Math.rint(uniform(rng, -maxDx, maxDx));
        int ty = (int) Math.rint(uniform(rng, -maxDy, maxDy));
        double scale = uniform(rng, scaleMin, scaleMax);
        double shear = uniform(rng, -shearX, shearX);
        return new Draw(angle, tx, ty, scale, shear);
    }

    static double uniform(Random rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    @Override
    public NDArray apply(NDArray batch, Random rng) {
        int h = Math.toIntExact(batch.getShape().get(2));
        int w = Math.toIntExact(batch.getShape().get(3));
        Draw d = draw(rng, h, w);
        return d.isIdentity() ? batch : indexMap(h, w, d).apply(batch, fill);
    }

    /**
     * torchvision's inverse affine matrix about the centre, the affine grid of {@code _gen_affine_grid} and
     * {@code grid_sample(mode="nearest", align_corners=False)}: output pixel (i, j) samples the input at
     * nearbyint(m·(j − W/2 + ½, i − H/2 + ½, 1) + (W/2 − ½, H/2 − ½)), or the fill when that lies outside.
     * The grid is evaluated in float32 in torch's order, because with 90° turns or half-pixel offsets the sample
     * positions fall on exact .5 ties, which float32 rounding decides.
     */
    static IndexMap indexMap(int height, int width, Draw d) {
        double[] m = inverseMatrix(d.angle(), d.translateX(), d.translateY(), d.scale(), d.shearX());
        float halfW = 0.5f * width;
        float halfH = 0.5f * height;
        float rx0 = (float) m[0] / halfW;
        float rx1 = (float) m[1] / halfW;
        float rx2 = (float) m[2] / halfW;
        float ry0 = (float) m[3] / halfH;
        float ry1 = (float) m[4] / halfH;
        float ry2 = (float) m[5] / halfH;
        long[] source = new long[height * width];
        for (int i = 0; i < height; i++) {
            float y = -height * 0.5f + 0.5f + i;
            for (int j = 0; j < width; j++) {
                float x = -width * 0.5f + 0.5f + j;
                float gx = x * rx0 + y * rx1 + rx2;
                float gy = x * ry0 + y * ry1 + ry2;
                float ix = (float) Math.rint(((gx + 1f) * width - 1f) / 2f);
                float iy = (float) Math.rint(((gy + 1f) * height - 1f) / 2f);
                boolean inside = ix >= 0 && ix <= width - 1 && iy >= 0 && iy <= height - 1;
                source[i * width + j] = inside ? (long) iy * width + (long) ix : -1;
            }
        }
        return new IndexMap(height, width, source);
    }

    /** {@code torchvision.transforms.functional._get_inverse_affine_matrix} with centre (0, 0) and shear_y 0. */
    static double[] inverseMatrix(double angle, double tx, double ty, double scale, double shearX) {
        double rot = Math.toRadians(angle);
        double sx = Math.toRadians(shearX);
        double sy = 0;
        double a = Math.cos(rot - sy) / Math.cos(sy);
        double b = -Math.cos(rot - sy) * Math.tan(sx) / Math.cos(sy) - Math.sin(rot);
        double c = Math.sin(rot - sy) / Math.cos(sy);
        double d = -Math.sin(rot - sy) * Math.tan(sx) / Math.cos(sy) + Math.cos(rot);
        double[] m = {d / scale, -b / scale, 0, -c / scale, a / scale, 0};
        m[2] += m[0] * -tx + m[1] * -ty;
        m[5] += m[3] * -tx + m[4] * -ty;
        return m;
    }
}
