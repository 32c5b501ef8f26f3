package io.neurowatch.connectors.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.testkit.Requirement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files, plain and gzip, their images as model input, and every way a file can be broken. */
class IdxReaderTest {
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes with the given extents. */
    static byte[] idx(byte[] data, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] ramp(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i * 37);
        }
        return data;
    }

    @Test
    void readsPlainAndGzipFilesAlike() throws Exception {
        byte[] file = idx(ramp(3 * 2 * 4), 3, 2, 4);
        for (Path p : new Path[] {write("plain-idx3-ubyte", file), write("zipped-idx3-ubyte.gz", gzip(file))}) {
            IdxReader.IdxArray a = IdxReader.read(p);
            assertArrayEquals(new int[] {3, 2, 4}, a.dims());
            assertArrayEquals(ramp(24), a.data());
            assertEquals((5 * 37) & 0xff, a.get(5));
        }
        assertArrayEquals(new int[] {0, 255, 7}, IdxReader.readLabels(write("labels", idx(new byte[] {0, -1, 7}, 3))));
    }

    @Test
    void imagesBecomeScaledBatchesWithRowIds() throws Exception {
        IdxImages images = IdxImages.open(write("images.gz", gzip(idx(ramp(3 * 2 * 4), 3, 2, 4))), 100);
        assertEquals(3, images.size());
        assertArrayEquals(new int[] {1, 2, 4}, images.imageShape());
        ImageBatch b = images.read(1, 3, ImageTransform.to(1, 2, 4));
        assertArrayEquals(new long[] {101, 102}, b.sampleIds());
        assertEquals("images.gz#2", b.names()[1]);
        for (int i = 0; i < 16; i++) {
            assertEquals(((8 + i) * 37 & 0xff) / 255f, b.pixels()[i], 0f);
        }
        ImageBatch rgb = images.read(0, 1, ImageTransform.to(3, 4, 8));
        assertEquals(3 * 4 * 8, rgb.pixels().length);
        assertEquals(rgb.pixels()[5], rgb.pixels()[32 + 5], 0f);
        assertThrows(IndexOutOfBoundsException.class, () -> images.read(2, 4, ImageTransform.to(1, 2, 4)));
    }

    @Test
    void channelsLastColourImagesArePlanar() throws Exception {
        byte[] data = new byte[2 * 3];  // one 1×2 RGB image: pixel 0 = (10, 20, 30), pixel 1 = (40, 50, 60)
        for (int i = 0; i < 6; i++) {
            data[i] = (byte) (10 * (i + 1));
        }
        IdxImages images = IdxImages.open(write("rgb", idx(data, 1, 1, 2, 3)), 0);
        float[] px = images.read(0, 1, ImageTransform.to(3, 1, 2)).pixels();
        assertArrayEquals(new float[] {10, 40, 20, 50, 30, 60}, scale(px), 1e-4f);
    }

    private static float[] scale(float[] px) {
        float[] out = px.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= 255;
        }
        return out;
    }

    @Test
    void brokenFilesNameTheFileAndTheOffset() throws Exception {
        byte[] good = idx(ramp(12), 3, 2, 2);
        assertProblem(write("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0}),
                "bad magic 89 50 at offset 0");
        byte[] floats = good.clone();
        floats[2] = 0x0D;
        assertProblem(write("floats", floats), "element type 0x0d at offset 2");
        byte[] rank = good.clone();
        rank[3] = 0;
        assertProblem(write("rank0", rank), "rank 0 at offset 3");
        assertProblem(write("short-header", Arrays.copyOf(good, 9)), "truncated at offset 9");
        assertProblem(write("short-data", Arrays.copyOf(good, good.length - 5)),
                "truncated at offset 23: extents [3, 2, 2] need 12 bytes of data from offset 16, the file ends 5 "
                        + "bytes short");
        assertProblem(write("short-data.gz", gzip(Arrays.copyOf(good, good.length - 5))),
                "truncated at offset 23 of the decompressed data");
        assertProblem(write("trailing", Arrays.copyOf(good, good.length + 2)), "2 unexpected bytes after the data, "
                + "from offset 28");
        byte[] zipped = gzip(good);
        assertProblem(write("cut.gz", Arrays.copyOf(zipped, zipped.length - 12)), "corrupt or truncated gzip");
        Path labels = write("labels2d", idx(new byte[4], 2, 2));
        FileFormatException e = assertThrows(FileFormatException.class, () -> IdxReader.readLabels(labels));
        assertTrue(e.getMessage().contains("rank-1"), e.getMessage());
        Path vectors = write("vectors", idx(new byte[4], 4));
        e = assertThrows(FileFormatException.class, () -> IdxImages.open(vectors, 0));
        assertTrue(e.getMessage().contains("[N, H, W]"), e.getMessage());
    }

    private static void assertProblem(Path file, String expected) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(expected),
                "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void readsDebiansFashionMnist() throws Exception {
        Path images = FASHION.resolve("t10k-images-idx3-ubyte.gz");
        Requirement.FASHION_MNIST.require();
        IdxImages test = IdxImages.open(images, 0);
        int[] labels = IdxReader.readLabels(FASHION.resolve("t10k-labels-idx1-ubyte.gz"));
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {1, 28, 28}, test.imageShape());
        int[] perClass = new int[10];
        for (int l : labels) {
            perClass[l]++;
        }
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, perClass, "Fashion-MNIST's test set is balanced");
        float[] first = test.read(0, 1, ImageTransform.to(1, 28, 28)).pixels();
        float max = 0;
        for (float v : first) {
            assertTrue(v >= 0 && v <= 1);
            max = Math.max(max, v);
        }
        assertTrue(max > 0.5, "an image, not a blank");
    }
}
