package io.neurowatch.analyzers.dora;

/**
 * Maps embedding coordinates onto a square canvas with one scale for both axes (distances stay comparable) and
 * y pointing up. Immutable and thread-safe.
 */
final class AtlasLayout {
    static final int SIZE = 800;
    static final int MARGIN = 70;
    static final int THUMBNAIL = 36;
    static final double INLIER_RADIUS = 3.5;
    static final double OUTLIER_RADIUS = 7;

    private final double cx;
    private final double cy;
    private final double scale;

    AtlasLayout(Atlas atlas) {
        double[] x = atlas.x();
        double[] y = atlas.y();
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            minX = Math.min(minX, x[i]);
            maxX = Math.max(maxX, x[i]);
            minY = Math.min(minY, y[i]);
            maxY = Math.max(maxY, y[i]);
        }
        if (x.length == 0) {
            minX = maxX = minY = maxY = 0;
        }
        double range = Math.max(maxX - minX, maxY - minY);
        cx = (minX + maxX) / 2;
        cy = (minY + maxY) / 2;
        // All points on one spot (or a single point): draw them in the centre.
        scale = range > 0 ? (SIZE - 2.0 * MARGIN) / range : 1;
    }

    double px(double x) {
        return SIZE / 2.0 + (x - cx) * scale;
    }

    double py(double y) {
        return SIZE / 2.0 - (y - cy) * scale;
    }
}
