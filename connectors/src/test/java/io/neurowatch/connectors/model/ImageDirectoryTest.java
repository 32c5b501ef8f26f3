package io.neurowatch.connectors.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.connectors.io.FileFormatException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image files in a directory: order, ids, decoding, resizing; and the transform's arithmetic. */
class ImageDirectoryTest {
    @TempDir
    Path dir;

    private void image(String name, String format, int w, int h, int rgb) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        assertTrue(ImageIO.write(img, format, dir.resolve(name).toFile()));
    }

    @Test
    void filesAreSortedByNameWithIdsFromTheirNames() throws Exception {
        image("b.bmp", "bmp", 4, 2, 0x336699);
        image("a.png", "png", 8, 8, 0xff0000);
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        ImageDirectory images = ImageDirectory.open(dir);
        assertEquals(List.of(dir.resolve("a.png"), dir.resolve("b.bmp")), images.files());
        ImageBatch batch = images.read(0, 2, ImageTransform.to(3, 4, 4));
        assertArrayEquals(new String[] {"a.png", "b.bmp"}, batch.names());
        // Computed with Python: int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") & (2**63 - 1)
        assertArrayEquals(new long[] {9153304788650147672L, 3421690563595275460L}, batch.sampleIds());
        assertEquals(1304931174521937414L, ImageDirectory.sampleIdOf("zebra photo.png"));
        float[] px = batch.pixels();
        assertEquals(2 * 3 * 16, px.length);
        assertEquals(1f, px[0], 0f);           // a.png red plane
        assertEquals(0f, px[16], 0f);          // a.png green plane
        assertEquals(0x33 / 255f, px[48], 1e-6f);      // b.bmp red plane, resized from 4×2
        assertEquals(0x99 / 255f, px[48 + 32 + 15], 1e-6f);
        ImageBatch gray = images.read(1, 2, ImageTransform.to(1, 2, 2));
        assertEquals((0.299f * 0x33 + 0.587f * 0x66 + 0.114f * 0x99) / 255f, gray.pixels()[3], 1e-6f);
    }

    @Test
    void undecodableFilesAndEmptyDirectoriesAreReported() throws Exception {
        FileFormatException empty = assertThrows(FileFormatException.class, () -> ImageDirectory.open(dir));
        assertTrue(empty.getMessage().contains("no image files"), empty.getMessage());
        image("good.png", "png", 2, 2, 0);
        Files.writeString(dir.resolve("bad.png"), "definitely not a PNG");
        ImageDirectory images = ImageDirectory.open(dir);
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> images.read(0, 2, ImageTransform.to(3, 2, 2)));
        assertTrue(e.getMessage().startsWith(dir.resolve("bad.png").toString()), e.getMessage());
    }

    @Test
    void bilinearResizeUsesHalfPixelCentres() {
        float[] out = new float[4];
        // [0, 1] → 4 wide, as torch.nn.functional.interpolate(mode="bilinear", align_corners=False) gives it
        ImageTransform.to(1, 1, 4).apply(new float[] {0, 1}, 1, 1, 2, out, 0);
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, out, 1e-6f);
        // Halving averages 2×2 blocks.
        float[] four = new float[16];
        for (int i = 0; i < 16; i++) {
            four[i] = i;
        }
        float[] half = new float[4];
        ImageTransform.to(1, 2, 2).apply(four, 1, 4, 4, half, 0);
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, half, 1e-6f);
    }

    @Test
    void normalisationAppliesPerChannel() {
        ImageTransform t = ImageTransform.to(3, 1, 1).normalized(ImageTransform.IMAGENET_MEAN,
                ImageTransform.IMAGENET_STD);
        float[] out = new float[3];
        t.apply(new float[] {0.485f, 1f, 0f}, 3, 1, 1, out, 0);
        assertArrayEquals(new float[] {0f, (1 - 0.456f) / 0.224f, -0.406f / 0.225f}, out, 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> ImageTransform.to(3, 1, 1).normalized(new float[2],
                new float[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> ImageTransform.to(2, 1, 1));
    }
}
