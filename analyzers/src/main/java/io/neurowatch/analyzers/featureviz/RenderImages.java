package io.neurowatch.analyzers.featureviz;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * 8-bit images of renders: PNG files and a labelled contact sheet. Quantisation is floor(255·x), what torchvision's
 * {@code ToPILImage} does to a float image in [0,1] (values outside are clamped first).
 */
public final class RenderImages {
    /** Smallest edge of a cell on the contact sheet; small renders are enlarged by an integer factor. */
    static final int MIN_CELL = 128;
    static final int MARGIN = 8;
    static final int CAPTION_HEIGHT = 18;

    private RenderImages() {
    }

    /** floor(255·x) clamped to 0…255; NaN maps to 0. */
    public static int toByte(float x) {
        if (!(x > 0)) {
            return 0;
        }
        return Math.min(255, (int) (x * 255f));
    }

    /** An RGB image from CHW floats in [0,1]. */
    public static BufferedImage toImage(float[] chw, int height, int width) {
        int plane = height * width;
        if (chw.length != 3 * plane) {
            throw new IllegalArgumentException("expected 3x" + height + "x" + width + " values, got " + chw.length);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                int rgb = toByte(chw[p]) << 16 | toByte(chw[plane + p]) << 8 | toByte(chw[2 * plane + p]);
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    public static BufferedImage toImage(Rendered r) {
        return toImage(r.image(), r.height(), r.width());
    }

    public static void writePng(Rendered r, Path file) throws IOException {
        writePng(toImage(r), file);
    }

    public static void writePng(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    /**
     * A grid of the renders, ⌈√n⌉ columns, each cell enlarged by nearest neighbour to at least {@value #MIN_CELL} px
     * and captioned with its label.
     */
    public static BufferedImage contactSheet(List<Rendered> renders) {
        if (renders.isEmpty()) {
            throw new IllegalArgumentException("no renders");
        }
        int maxH = 0;
        int maxW = 0;
        for (Rendered r : renders) {
            maxH = Math.max(maxH, r.height());
            maxW = Math.max(maxW, r.width());
        }
        int zoom = Math.max(1, (MIN_CELL + Math.max(maxH, maxW) - 1) / Math.max(maxH, maxW));
        int cellW = maxW * zoom;
        int cellH = maxH * zoom;
        int columns = (int) Math.ceil(Math.sqrt(renders.size()));
        int rows = (renders.size() + columns - 1) / columns;
        int sheetW = MARGIN + columns * (cellW + MARGIN);
        int sheetH = MARGIN + rows * (cellH + CAPTION_HEIGHT + MARGIN);
        BufferedImage sheet = new BufferedImage(sheetW, sheetH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheetW, sheetH);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics metrics = g.getFontMetrics();
            for (int i = 0; i < renders.size(); i++) {
                Rendered r = renders.get(i);
                int x = MARGIN + (i % columns) * (cellW + MARGIN);
                int y = MARGIN + (i / columns) * (cellH + CAPTION_HEIGHT + MARGIN);
                g.drawImage(toImage(r), x, y, r.width() * zoom, r.height() * zoom, null);
                g.setColor(Color.BLACK);
                String caption = fit(r.label(), metrics, cellW);
                g.drawString(caption, x, y + cellH + metrics.getAscent() + 2);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    public static void writeContactSheet(List<Rendered> renders, Path file) throws IOException {
        writePng(contactSheet(renders), file);
    }

    private static String fit(String text, FontMetrics metrics, int width) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String ellipsis = "…";
        int end = text.length();
        while (end > 0 && metrics.stringWidth(text.substring(0, end) + ellipsis) > width) {
            end--;
        }
        return text.substring(0, end) + ellipsis;
    }
}
