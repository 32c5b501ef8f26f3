package io.neurowatch.analyzers.dora;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Renders an {@link Atlas} to a raster image with the same layout as {@link AtlasSvg}, headless (no display
 * needed). Stateless and thread-safe.
 */
public final class AtlasPng {
    private static final Color INLIER = new Color(0x4a, 0x78, 0xb5, 190);
    private static final Color OUTLIER = new Color(0xd6, 0x27, 0x28);
    private static final Color OUTLIER_EDGE = new Color(0x7f, 0, 0);

    private AtlasPng() {
    }

    /** @throws IOException if a thumbnail cannot be read or decoded (the message names it) */
    public static BufferedImage render(Atlas atlas) throws IOException {
        AtlasLayout layout = new AtlasLayout(atlas);
        int size = AtlasLayout.SIZE;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, size, size);
            int[] ids = atlas.neuronIds();
            double[] x = atlas.x();
            double[] y = atlas.y();
            boolean[] out = atlas.outlier();
            g.setColor(INLIER);
            for (int i = 0; i < ids.length; i++) {
                if (!out[i]) {
                    dot(g, layout.px(x[i]), layout.py(y[i]), AtlasLayout.INLIER_RADIUS);
                }
            }
            int t = AtlasLayout.THUMBNAIL;
            for (int i = 0; i < ids.length; i++) {
                Path png = atlas.thumbnails().get(ids[i]);
                if (png == null) {
                    continue;
                }
                BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(AtlasSvg.readPng(png)));
                if (thumb == null) {
                    throw new IOException("thumbnail " + png + " cannot be decoded as PNG");
                }
                int tx = (int) Math.round(layout.px(x[i]) - t / 2.0);
                int ty = (int) Math.round(layout.py(y[i]) - t / 2.0);
                g.drawImage(thumb, tx, ty, t, t, null);
                if (out[i]) {
                    g.setColor(OUTLIER);
                    g.setStroke(new BasicStroke(2f));
                    g.drawRect(tx, ty, t, t);
                }
            }
            for (int i = 0; i < ids.length; i++) {
                if (out[i]) {
                    g.setColor(OUTLIER);
                    dot(g, layout.px(x[i]), layout.py(y[i]), AtlasLayout.OUTLIER_RADIUS);
                    g.setColor(OUTLIER_EDGE);
                    g.setStroke(new BasicStroke(1f));
                    double r = AtlasLayout.OUTLIER_RADIUS;
                    g.draw(new Ellipse2D.Double(layout.px(x[i]) - r, layout.py(y[i]) - r, 2 * r, 2 * r));
                }
            }
            drawText(g, atlas, layout);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Writes {@link #render} as PNG. @throws IOException on a write or thumbnail failure */
    public static void write(Atlas atlas, Path file) throws IOException {
        BufferedImage img = render(atlas);
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    private static void drawText(Graphics2D g, Atlas atlas, AtlasLayout layout) {
        try {
            int[] ids = atlas.neuronIds();
            double[] x = atlas.x();
            double[] y = atlas.y();
            boolean[] out = atlas.outlier();
            g.setColor(new Color(0xb0, 0, 0));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            double r = AtlasLayout.OUTLIER_RADIUS;
            for (int i = 0; i < ids.length; i++) {
                if (out[i]) {
                    g.drawString(Integer.toString(ids[i]), (float) (layout.px(x[i]) + r + 3),
                            (float) (layout.py(y[i]) - r));
                }
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
            centred(g, atlas.title(), 28);
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            centred(g, AtlasSvg.legend(atlas), AtlasLayout.SIZE - 16);
        } catch (RuntimeException | java.awt.AWTError | InternalError e) {
            // Minimal JREs without fonts fail inside text rendering; the points still make a useful picture and the
            // SVG carries the labels.
        }
    }

    private static void centred(Graphics2D g, String text, int baseline) {
        int w = g.getFontMetrics().stringWidth(text);
        g.drawString(text, (AtlasLayout.SIZE - w) / 2f, baseline);
    }

    private static void dot(Graphics2D g, double cx, double cy, double r) {
        g.fill(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
    }
}
