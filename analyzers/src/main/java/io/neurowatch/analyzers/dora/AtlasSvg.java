package io.neurowatch.analyzers.dora;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * Renders an {@link Atlas} as a standalone SVG document: inliers as small blue dots, outliers as larger red dots
 * labelled with their neuron id, each point with a hover title, thumbnails embedded as base64 PNG data URIs (so the
 * file can be moved on its own). Stateless and thread-safe.
 */
public final class AtlasSvg {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private AtlasSvg() {
    }

    /**
     * @throws IOException if a thumbnail cannot be read or is not a PNG file (the message names it)
     */
    public static String render(Atlas atlas) throws IOException {
        AtlasLayout layout = new AtlasLayout(atlas);
        int size = AtlasLayout.SIZE;
        int[] ids = atlas.neuronIds();
        double[] x = atlas.x();
        double[] y = atlas.y();
        boolean[] out = atlas.outlier();
        StringBuilder s = new StringBuilder(256 + 160 * ids.length);
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"")
                .append(size).append("\" height=\"").append(size).append("\" viewBox=\"0 0 ").append(size).append(' ')
                .append(size).append("\" font-family=\"sans-serif\">\n");
        s.append("<title>").append(escape(atlas.title())).append("</title>\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        s.append("<text x=\"").append(size / 2).append("\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">")
                .append(escape(atlas.title())).append("</text>\n");
        s.append("<g id=\"inliers\" fill=\"#4a78b5\" fill-opacity=\"0.75\">\n");
        for (int i = 0; i < ids.length; i++) {
            if (!out[i]) {
                circle(s, layout.px(x[i]), layout.py(y[i]), AtlasLayout.INLIER_RADIUS, "neuron " + ids[i]);
            }
        }
        s.append("</g>\n");
        s.append("<g id=\"thumbnails\">\n");
        double half = AtlasLayout.THUMBNAIL / 2.0;
        for (int i = 0; i < ids.length; i++) {
            Path png = atlas.thumbnails().get(ids[i]);
            if (png == null) {
                continue;
            }
            String data = Base64.getEncoder().encodeToString(readPng(png));
            double tx = layout.px(x[i]) - half;
            double ty = layout.py(y[i]) - half;
            s.append("<image x=\"").append(num(tx)).append("\" y=\"").append(num(ty)).append("\" width=\"")
                    .append(AtlasLayout.THUMBNAIL).append("\" height=\"").append(AtlasLayout.THUMBNAIL)
                    .append("\" href=\"data:image/png;base64,").append(data).append("\"/>\n");
            if (out[i]) {
                s.append("<rect x=\"").append(num(tx)).append("\" y=\"").append(num(ty)).append("\" width=\"")
                        .append(AtlasLayout.THUMBNAIL).append("\" height=\"").append(AtlasLayout.THUMBNAIL)
                        .append("\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>\n");
            }
        }
        s.append("</g>\n");
        s.append("<g id=\"outliers\">\n");
        for (int i = 0; i < ids.length; i++) {
            if (out[i]) {
                s.append("<g fill=\"#d62728\" stroke=\"#7f0000\">");
                circle(s, layout.px(x[i]), layout.py(y[i]), AtlasLayout.OUTLIER_RADIUS, "neuron " + ids[i]
                        + " (outlier)");
                s.append("</g>\n");
                s.append("<text x=\"").append(num(layout.px(x[i]) + AtlasLayout.OUTLIER_RADIUS + 3))
                        .append("\" y=\"").append(num(layout.py(y[i]) - AtlasLayout.OUTLIER_RADIUS))
                        .append("\" font-size=\"13\" font-weight=\"bold\" fill=\"#b00000\">").append(ids[i])
                        .append("</text>\n");
            }
        }
        s.append("</g>\n");
        s.append("<text x=\"").append(size / 2).append("\" y=\"").append(size - 16)
                .append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555555\">")
                .append(escape(legend(atlas))).append("</text>\n");
        s.append("</svg>\n");
        return s.toString();
    }

    /** Writes {@link #render} to {@code file} (UTF-8). @throws IOException on a write or thumbnail failure */
    public static void write(Atlas atlas, Path file) throws IOException {
        Files.writeString(file, render(atlas));
    }

    static String legend(Atlas atlas) {
        int n = atlas.outlierCount();
        return atlas.size() + " neurons, " + n + (n == 1 ? " outlier" : " outliers") + " (red); classical MDS of "
                + "the EA distances";
    }

    static byte[] readPng(Path png) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(png);
        } catch (IOException e) {
            throw new IOException("cannot read thumbnail " + png + ": " + e.getMessage(), e);
        }
        if (bytes.length < PNG_MAGIC.length || !java.util.Arrays.equals(bytes, 0, PNG_MAGIC.length, PNG_MAGIC, 0,
                PNG_MAGIC.length)) {
            throw new IOException("thumbnail " + png + " is not a PNG file");
        }
        return bytes;
    }

    private static void circle(StringBuilder s, double cx, double cy, double r, String title) {
        s.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"").append(num(r))
                .append("\"><title>").append(escape(title)).append("</title></circle>");
        s.append('\n');
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String escape(String t) {
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    // XML 1.0 forbids most control characters even when escaped.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
