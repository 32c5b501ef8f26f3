package io.neurowatch.connectors.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.neurowatch.testkit.Requirement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's own HDF5 writer: files that jhdf and h5py (libhdf5) both read back exactly. */
class ContiguousHdf5WriterTest {
    @TempDir
    Path tmp;

    /** Rows larger than the writer's 1 MiB buffer, so values cross buffer boundaries mid-row. */
    private static final float[][] Y = TestFiles.matrix(700, 513, 11);
    private static final long[] IDS = {Long.MIN_VALUE, -1, 0, 7, Long.MAX_VALUE};
    private static final int[] CONCEPTS = {Integer.MIN_VALUE, -1, 0, 3, Integer.MAX_VALUE};

    private Path write() throws IOException {
        return write(tmp.resolve("t.h5"));
    }

    private static Path write(Path f) throws IOException {
        Map<String, Object> yAttributes = new LinkedHashMap<>();
        yAttributes.put("feature_shape", new int[] {27, 19});
        yAttributes.put("layer", "blocks.4/ü");
        yAttributes.put("model_id", "");
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("source_offsets", "{\"acts-0\":[0,12]}");
        root.put("archive_format", 1);
        root.put("big", 1L << 40);
        root.put("longs", new long[] {-5, 6});
        ContiguousHdf5Writer.write(f, List.of(
                new ContiguousHdf5Writer.Dataset("Y", Y, yAttributes),
                new ContiguousHdf5Writer.Dataset("sample_id", IDS, null),
                new ContiguousHdf5Writer.Dataset("label_concepts", CONCEPTS, null),
                new ContiguousHdf5Writer.Dataset("weights", new float[] {1.5f, -0f, Float.MIN_VALUE}, null)), root);
        return f;
    }

    @Test
    void jhdfReadsEveryDatasetAndAttributeBack() throws IOException {
        Path f = write();
        try (HdfFile h = new HdfFile(f)) {
            Dataset y = h.getDatasetByPath("Y");
            assertArrayEquals(new int[] {700, 513}, y.getDimensions());
            float[][] back = (float[][]) y.getData();
            for (int i = 0; i < Y.length; i++) {
                assertArrayEquals(Y[i], back[i], "row " + i);
            }
            assertArrayEquals(new int[] {27, 19}, (int[]) y.getAttribute("feature_shape").getData());
            assertEquals("blocks.4/ü", y.getAttribute("layer").getData());
            assertEquals("", y.getAttribute("model_id").getData());
            assertArrayEquals(IDS, (long[]) h.getDatasetByPath("sample_id").getData());
            assertArrayEquals(CONCEPTS, (int[]) h.getDatasetByPath("label_concepts").getData());
            assertArrayEquals(new float[] {1.5f, -0f, Float.MIN_VALUE},
                    (float[]) h.getDatasetByPath("weights").getData());
            assertEquals("{\"acts-0\":[0,12]}", h.getAttribute("source_offsets").getData());
            assertEquals(1, h.getAttribute("archive_format").getData());
            assertEquals(1L << 40, h.getAttribute("big").getData());
            assertArrayEquals(new long[] {-5, 6}, (long[]) h.getAttribute("longs").getData());
        }
    }

    @Test
    void h5pyReadsEveryDatasetAndAttributeBack() throws IOException {
        TestFiles.assumeH5py();
        Path f = write();
        Path expected = tmp.resolve("y.npy");
        float[] flat = new float[Y.length * Y[0].length];
        for (int i = 0; i < Y.length; i++) {
            System.arraycopy(Y[i], 0, flat, i * Y[0].length, Y[0].length);
        }
        NpyWriter.writeFloat32(expected, flat, Y.length, Y[0].length);
        String out = TestFiles.pythonOk("""
                import sys, numpy as np, h5py
                with h5py.File(sys.argv[1], 'r') as f:
                    assert list(f.keys()) == ['Y', 'label_concepts', 'sample_id', 'weights'], list(f.keys())
                    y = f['Y']
                    assert y.dtype == np.float32 and y.shape == (700, 513) and y.chunks is None
                    assert np.array_equal(y[...], np.load(sys.argv[2]))
                    assert list(y.attrs['feature_shape']) == [27, 19]
                    assert y.attrs['layer'].decode('utf-8') == 'blocks.4/\u00fc', y.attrs['layer']
                    ids = f['sample_id'][...]
                    assert ids.dtype == np.int64 and ids.tolist() == [-2**63, -1, 0, 7, 2**63 - 1]
                    c = f['label_concepts'][...]
                    assert c.dtype == np.int32 and c.tolist() == [-2**31, -1, 0, 3, 2**31 - 1]
                    assert f['weights'][...].tolist() == [1.5, -0.0, np.float32(1.4e-45)]
                    assert f.attrs['source_offsets'].decode() == '{"acts-0":[0,12]}'
                    assert int(f.attrs['archive_format']) == 1 and int(f.attrs['big']) == 2**40
                    assert f.attrs['longs'].tolist() == [-5, 6]
                print('OK')
                """, f.toString(), expected.toString());
        assertTrue(out.contains("OK"), out);
    }

    /** Buffered (where direct I/O is refused): the file ends exactly where its data ends. */
    @Test
    void bufferedWritesEndWithTheData() throws IOException {
        Path f = tmp.resolve("buffered.h5");
        long[] ids = {5, 6, 7};
        ContiguousHdf5Writer.write(f, List.of(new ContiguousHdf5Writer.Dataset("sample_id", ids, null)), Map.of(),
                false);
        long size = java.nio.file.Files.size(f);
        assertEquals(size, declaredEnd(f), "the superblock's end-of-file address");
        assertTrue(size % 4096 != 0 && size < 4096, "not padded to a block: size " + size);
        try (HdfFile h = new HdfFile(f)) {
            assertArrayEquals(ids, (long[]) h.getDatasetByPath("sample_id").getData());
        }
    }

    /** Where direct I/O is used (ext4, xfs), the file is padded to whole 4 KiB blocks and still reads back. */
    @Test
    void directWritesEndOnABlockBoundary() throws IOException {
        Requirement.DIRECT_IO.require();
        Path dir = java.nio.file.Files.createDirectories(Requirement.directIoDir());
        Path f = write(java.nio.file.Files.createTempFile(dir, "t", ".h5"));
        long size = java.nio.file.Files.size(f);
        long data = 700L * 513 * 4;
        assertTrue(size > data, "size " + size);
        assertEquals(0, size % 4096, "a direct write pads to whole 4 KiB blocks, size " + size);
        assertEquals(size, declaredEnd(f), "the padding lies inside the superblock's end-of-file address");
        try (HdfFile h = new HdfFile(f)) {
            assertEquals(700, ((float[][]) h.getDatasetByPath("Y").getData()).length);
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    /** The end-of-file address of a version-2 superblock (bytes 28 to 35, little-endian). */
    private static long declaredEnd(Path f) throws IOException {
        byte[] head = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(f), 48);
        return java.nio.ByteBuffer.wrap(head, 28, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void rejectsEmptyRaggedUnsupportedAndDuplicateDatasetsNamingThem() {
        Path f = tmp.resolve("bad.h5");
        assertThrows(IllegalArgumentException.class, () -> ContiguousHdf5Writer.write(f,
                List.of(new ContiguousHdf5Writer.Dataset("e", new long[0], null)), Map.of()));
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class, () -> ContiguousHdf5Writer
                .write(f, List.of(new ContiguousHdf5Writer.Dataset("Y", new float[][] {{1, 2}, {3}}, null)),
                        Map.of()));
        assertTrue(ragged.getMessage().contains("row 1"), ragged.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> ContiguousHdf5Writer
                .write(f, List.of(new ContiguousHdf5Writer.Dataset("d", new double[] {1}, null)), Map.of()));
        assertTrue(type.getMessage().contains("'d'") && type.getMessage().contains("double[]"), type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ContiguousHdf5Writer.write(f, List.of(
                new ContiguousHdf5Writer.Dataset("a", new int[] {1}, null),
                new ContiguousHdf5Writer.Dataset("a", new int[] {2}, null)), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> ContiguousHdf5Writer.write(f,
                List.of(new ContiguousHdf5Writer.Dataset("a/b", new int[] {1}, null)), Map.of()));
    }
}
