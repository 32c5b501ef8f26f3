package io.neurowatch.connectors.io;

import static io.neurowatch.connectors.io.NpyTestFiles.dict;
import static io.neurowatch.connectors.io.NpyTestFiles.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.DatasetCreationOptions;
import io.neurowatch.core.LabelMatrix;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelReaderTest {
    @TempDir
    Path tmp;

    private static boolean[][] random(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean[][] m = new boolean[rows][cols];
        for (boolean[] row : m) {
            for (int c = 0; c < cols; c++) {
                row[c] = r.nextInt(7) == 0;
            }
        }
        return m;
    }

    private static NpyArray asNpy(boolean[][] m, NpyDtype dtype) {
        int rows = m.length;
        int cols = m[0].length;
        int n = rows * cols;
        long[] shape = {rows, cols};
        boolean[] b = new boolean[n];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(m[i], 0, b, i * cols, cols);
        }
        return switch (dtype) {
            case BOOL -> NpyArray.ofBool(b, shape);
            case UINT8, INT8 -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) (b[i] ? 1 : 0);
                }
                yield dtype == NpyDtype.UINT8 ? NpyArray.ofUint8(a, shape) : NpyArray.ofInt8(a, shape);
            }
            case INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = b[i] ? 1 : 0;
                }
                yield NpyArray.ofInt32(a, shape);
            }
            case INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = b[i] ? 1 : 0;
                }
                yield NpyArray.ofInt64(a, shape);
            }
            default -> throw new IllegalArgumentException(dtype.toString());
        };
    }

    private static void assertContains(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void everyIntegerDtypeOfNpyGivesTheSameMatrix() throws IOException {
        // 5000 x 300 one-byte labels exceed one 1 MiB streaming chunk, so chunk boundaries fall inside rows' data.
        boolean[][] dense = random(5000, 300, 1);
        LabelMatrix expected = LabelMatrix.fromDense(dense, 300);
        for (NpyDtype t : new NpyDtype[] {NpyDtype.BOOL, NpyDtype.UINT8, NpyDtype.INT8, NpyDtype.INT32,
                NpyDtype.INT64}) {
            Path f = tmp.resolve("labels_" + t + ".npy");
            NpyWriter.write(f, asNpy(dense, t));
            assertEquals(expected, LabelReader.read(f), t.toString());
        }
    }

    @Test
    void valuesOtherThanZeroOrOneAreReportedWithRowColumnAndValue() throws IOException {
        byte[] u8 = new byte[4 * 3];
        u8[3 * 3 + 1] = (byte) 255;
        Path f = tmp.resolve("u8.npy");
        NpyWriter.writeUint8(f, u8, 4, 3);
        FileFormatException e = assertThrows(FileFormatException.class, () -> LabelReader.read(f));
        assertContains(e, "u8.npy", "value 255", "row 3, column 1", "0 or 1");

        long[] i64 = new long[6];
        i64[2] = -1;
        Path g = tmp.resolve("i64.npy");
        NpyWriter.writeInt64(g, i64, 2, 3);
        assertContains(assertThrows(FileFormatException.class, () -> LabelReader.read(g)),
                "i64.npy", "value -1", "row 0, column 2");

        Path b = NpyTestFiles.write(tmp.resolve("bool2.npy"), header(1, dict("|b1", false, "(2, 2)")),
                new byte[] {0, 1, 2, 0});
        assertContains(assertThrows(FileFormatException.class, () -> LabelReader.read(b)),
                "bool2.npy", "value 2", "row 1, column 0");
    }

    @Test
    void floatOrWrongRankLabelsAreRejected() throws IOException {
        Path f = tmp.resolve("float.npy");
        NpyWriter.writeFloat32(f, new float[] {0, 1, 1, 0}, 2, 2);
        assertContains(assertThrows(FileFormatException.class, () -> LabelReader.read(f)),
                "float.npy", "float32 [2, 2]", "2-D");
        Path v = tmp.resolve("vector.npy");
        NpyWriter.writeUint8(v, new byte[] {0, 1}, 2);
        assertContains(assertThrows(FileFormatException.class, () -> LabelReader.read(v)), "uint8 [2]");
        Path trunc = NpyTestFiles.write(tmp.resolve("trunc.npy"), header(1, dict("|u1", false, "(4, 4)")),
                new byte[10]);
        assertContains(assertThrows(FileFormatException.class, () -> LabelReader.read(trunc)),
                "truncated data", "16 bytes", "only 10");
    }

    @Test
    void hdf5DatasetsOfIntegerTypes() throws IOException {
        boolean[][] dense = random(3000, 7, 2);
        byte[][] bytes = new byte[3000][7];
        long[][] longs = new long[3000][7];
        for (int i = 0; i < 3000; i++) {
            for (int c = 0; c < 7; c++) {
                bytes[i][c] = (byte) (dense[i][c] ? 1 : 0);
                longs[i][c] = dense[i][c] ? 1 : 0;
            }
        }
        Path f = tmp.resolve("labels.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putDataset("labels", bytes, DatasetCreationOptions.builder().unsigned().chunkDimensions(500, 7)
                    .deflate().build());
            w.putGroup("wide").putDataset("labels64", longs);
        }
        LabelMatrix expected = LabelMatrix.fromDense(dense, 7);
        assertEquals(expected, LabelReader.read(f));
        assertEquals(expected, LabelReader.read(f, "wide/labels64"));

        FileFormatException e = assertThrows(FileFormatException.class, () -> LabelReader.read(f, "Y"));
        assertContains(e, "labels.h5", "no dataset 'Y'", "/labels", "/wide/labels64");
    }

    @Test
    void hdf5InvalidValueAndFloatType() throws IOException {
        int[][] ints = new int[10][3];
        ints[7][2] = 3;
        Path f = tmp.resolve("bad.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putDataset("labels", ints);
            w.putDataset("floats", new float[][] {{0, 1}});
        }
        assertContains(assertThrows(FileFormatException.class, () -> LabelReader.read(f)),
                "bad.h5", "value 3", "row 7, column 2", "dataset 'labels'");
        assertContains(assertThrows(FileFormatException.class, () -> LabelReader.read(f, "floats")),
                "bad.h5", "float32", "integer or bool");
    }

    @Test
    void h5pyBoolAndUint8Datasets() throws IOException {
        TestFiles.assumeH5py();
        Path f = tmp.resolve("py_labels.h5");
        Path expected = tmp.resolve("expected.npy");
        TestFiles.pythonOk("""
                import sys, numpy as np, h5py
                rng = np.random.default_rng(5)
                y = rng.random((1234, 19)) < 0.2
                with h5py.File(sys.argv[1], 'w') as h:
                    h.create_dataset('labels', data=y, chunks=(100, 19), compression='gzip')
                    h.create_dataset('u8', data=y.astype(np.uint8))
                    bad = y.astype(np.uint8); bad[1000, 18] = 2
                    h.create_dataset('bad', data=bad)
                np.save(sys.argv[2], y)
                """, f.toString(), expected.toString());
        LabelMatrix want = LabelReader.read(expected);
        assertEquals(1234, want.rows());
        assertEquals(want, LabelReader.read(f));
        assertEquals(want, LabelReader.read(f, "u8"));
        assertContains(assertThrows(FileFormatException.class, () -> LabelReader.read(f, "bad")),
                "value 2", "row 1000, column 18");
    }

    @Test
    void endiannessOfWideIntegerLabelsIsHonoured() throws IOException {
        Path f = NpyTestFiles.write(tmp.resolve("be.npy"), header(1, dict(">i4", false, "(2, 2)")),
                NpyTestFiles.ints(ByteOrder.BIG_ENDIAN, 1, 0, 0, 1));
        LabelMatrix m = LabelReader.read(f);
        assertTrue(m.get(0, 0) && m.get(1, 1) && !m.get(0, 1) && !m.get(1, 0));
    }
}
