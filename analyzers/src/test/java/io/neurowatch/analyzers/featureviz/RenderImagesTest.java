package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 8-bit conversion like ToPILImage, PNG files and the contact sheet. */
class RenderImagesTest {
    @Test
    void quantisationIsFloorOf255x() {
        assertEquals(0, RenderImages.toByte(0f));
        assertEquals(0, RenderImages.toByte(0.0039f));
        assertEquals(1, RenderImages.toByte(0.0040f));
        assertEquals(127, RenderImages.toByte(0.5f));
        assertEquals(254, RenderImages.toByte(0.999f));
        assertEquals(255, RenderImages.toByte(1f));
        assertEquals(0, RenderImages.toByte(-0.2f));
        assertEquals(255, RenderImages.toByte(1.7f));
        assertEquals(0, RenderImages.toByte(Float.NaN));
    }

    private static Rendered rendered(int index, String label, int h, int w) {
        float[] chw = new float[3 * h * w];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (i % 17) / 16f;
        }
        return new Rendered(index, label, h, w, chw, new float[0], Start.noise(1), -1, -1,
                RenderConfig.defaults(1).withSize(w, h));
    }

    @Test
    void pngHoldsTheQuantisedPixels(@TempDir Path dir) throws IOException {
        Rendered r = rendered(0, "x", 5, 7);
        Path file = dir.resolve("a/b.png");
        RenderImages.writePng(r, file);
        BufferedImage back = ImageIO.read(file.toFile());
        assertEquals(7, back.getWidth());
        assertEquals(5, back.getHeight());
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                int rgb = back.getRGB(x, y);
                assertEquals(RenderImages.toByte(r.pixel(0, y, x)), rgb >> 16 & 0xff);
                assertEquals(RenderImages.toByte(r.pixel(1, y, x)), rgb >> 8 & 0xff);
                assertEquals(RenderImages.toByte(r.pixel(2, y, x)), rgb & 0xff);
            }
        }
    }

    @Test
    void contactSheetIsAGridWithCaptions() {
        List<Rendered> renders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            renders.add(rendered(i, "layer 1 ch " + i + " with a rather long label that must be shortened", 16, 16));
        }
        BufferedImage sheet = RenderImages.contactSheet(renders);
        // 5 images → 3 columns, 2 rows; 16 px enlarged 8x to 128 px cells.
        int cell = 128;
        assertEquals(RenderImages.MARGIN + 3 * (cell + RenderImages.MARGIN), sheet.getWidth());
        assertEquals(RenderImages.MARGIN + 2 * (cell + RenderImages.CAPTION_HEIGHT + RenderImages.MARGIN),
                sheet.getHeight());
        // The first cell's top-left pixel is the image's, the caption band holds dark text pixels.
        Rendered first = renders.get(0);
        int rgb = sheet.getRGB(RenderImages.MARGIN, RenderImages.MARGIN);
        assertEquals(RenderImages.toByte(first.pixel(0, 0, 0)), rgb >> 16 & 0xff);
        int dark = 0;
        for (int y = RenderImages.MARGIN + cell; y < RenderImages.MARGIN + cell + RenderImages.CAPTION_HEIGHT; y++) {
            for (int x = RenderImages.MARGIN; x < RenderImages.MARGIN + cell; x++) {
                dark += (sheet.getRGB(x, y) & 0xff) < 128 ? 1 : 0;
            }
        }
        assertTrue(dark > 10, "caption pixels: " + dark);
    }

    @Test
    void fileNamesAreSafe() {
        assertEquals("007-layer-1-ch-3.png", RenderJob.fileName(rendered(7, "Layer 1 ch 3", 2, 2)));
        assertEquals("012-image.png", RenderJob.fileName(rendered(12, "//", 2, 2)));
        assertTrue(Files.notExists(Path.of(RenderJob.fileName(rendered(1, "../../etc", 2, 2)))));
        assertEquals("001-etc.png", RenderJob.fileName(rendered(1, "../../etc", 2, 2)));
    }
}
