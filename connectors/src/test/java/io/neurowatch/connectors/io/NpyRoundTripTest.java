package io.neurowatch.connectors.io;

import static io.neurowatch.connectors.io.NpyTestFiles.dict;
import static io.neurowatch.connectors.io.NpyTestFiles.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class NpyRoundTripTest {
    @TempDir
    Path tmp;

    static NpyArray randomArray(NpyDtype dtype, long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        int len = (int) n;
        return switch (dtype) {
            case BOOL -> {
                boolean[] a = new boolean[len];
                for (int i = 0; i < len; i++) {
                    a[i] = r.nextBoolean();
                }
                yield NpyArray.ofBool(a, shape);
            }
            case UINT8, INT8 -> {
                byte[] a = new byte[len];
                r.nextBytes(a);
                yield dtype == NpyDtype.UINT8 ? NpyArray.ofUint8(a, shape) : NpyArray.ofInt8(a, shape);
            }
            case INT32 -> NpyArray.ofInt32(r.ints(len).toArray(), shape);
            case INT64 -> NpyArray.ofInt64(r.longs(len).toArray(), shape);
            case FLOAT16 -> {
                short[] a = new short[len];
                for (int i = 0; i < len; i++) {
                    a[i] = (short) r.nextInt(0x7C00); // finite non-negative halves
                }
                yield NpyArray.ofFloat16Bits(a, shape);
            }
            case FLOAT32 -> {
                float[] a = new float[len];
                for (int i = 0; i < len; i++) {
                    a[i] = (float) r.nextGaussian();
                }
                yield NpyArray.ofFloat32(a, shape);
            }
            case FLOAT64 -> NpyArray.ofFloat64(r.doubles(len).map(x -> x * 1e6 - 5e5).toArray(), shape);
        };
    }

    @ParameterizedTest
    @EnumSource(NpyDtype.class)
    void everyDtypeRoundTrips(NpyDtype dtype) throws IOException {
        // 300k elements spans several 1 MiB streaming chunks for the wide types.
        NpyArray a = randomArray(dtype, 42, 1000, 300);
        Path f = tmp.resolve(dtype + ".npy");
        NpyWriter.write(f, a);
        NpyHeader h = NpyReader.readHeader(f);
        assertEquals(1, h.majorVersion());
        assertEquals(0, h.dataOffset() % 64, "numpy aligns the data to 64 bytes");
        assertEquals(h.dataOffset() + h.dataBytes(), Files.size(f));
        assertEquals(a, NpyReader.read(f));
    }

    @Test
    void convenienceWritersProduceTheNamedDtypes() throws IOException {
        Path f32 = tmp.resolve("f32.npy");
        NpyWriter.writeFloat32(f32, new float[] {1.5f, -2f, 3.25f, Float.NaN, Float.NEGATIVE_INFINITY, 0f}, 2, 3);
        NpyArray a = NpyReader.read(f32);
        assertEquals(NpyDtype.FLOAT32, a.dtype());
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, Float.NaN, Float.NEGATIVE_INFINITY, 0f}, a.toFloatRowMajor());

        Path f64 = tmp.resolve("f64.npy");
        NpyWriter.writeFloat64(f64, new double[] {Math.PI, -1e300, 4.9e-324}, 3);
        assertArrayEquals(new double[] {Math.PI, -1e300, 4.9e-324}, NpyReader.read(f64).toDoubleRowMajor());

        Path u8 = tmp.resolve("u8.npy");
        NpyWriter.writeUint8(u8, new byte[] {0, 1, (byte) 200, (byte) 255}, 2, 2);
        NpyArray b = NpyReader.read(u8);
        assertEquals(NpyDtype.UINT8, b.dtype());
        assertArrayEquals(new double[] {0, 1, 200, 255}, b.toDoubleRowMajor());

        Path i64 = tmp.resolve("i64.npy");
        NpyWriter.writeInt64(i64, new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, 4, 1);
        assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, (long[]) NpyReader.read(i64).data());
    }

    @Test
    void zeroDimensionalEmptyAndHigherRankShapes() throws IOException {
        Path scalar = tmp.resolve("scalar.npy");
        NpyWriter.writeFloat64(scalar, new double[] {7.0});
        NpyArray s = NpyReader.read(scalar);
        assertEquals(0, s.ndim());
        assertEquals(1, s.size());

        Path empty = tmp.resolve("empty.npy");
        NpyWriter.writeFloat32(empty, new float[0], 0, 5);
        NpyArray e = NpyReader.read(empty);
        assertArrayEquals(new long[] {0, 5}, e.shape());
        assertEquals(0, e.size());

        Path cube = tmp.resolve("cube.npy");
        NpyArray c = randomArray(NpyDtype.INT32, 3, 2, 3, 4);
        NpyWriter.write(cube, c);
        assertEquals(c, NpyReader.read(cube));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void readsHandWrittenHeadersOfEachVersion(int major) throws IOException {
        Path f = NpyTestFiles.write(tmp.resolve("v" + major + ".npy"),
                header(major, dict("<f4", false, "(2, 3)")),
                NpyTestFiles.floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6.5f));
        NpyHeader h = NpyReader.readHeader(f);
        assertEquals(major, h.majorVersion());
        NpyArray a = NpyReader.read(f);
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6.5f}, a.toFloatRowMajor());
    }

    @Test
    void readsBigEndianData() throws IOException {
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        Path f8 = NpyTestFiles.write(tmp.resolve("be_f8.npy"), header(1, dict(">f8", false, "(3,)")),
                NpyTestFiles.doubles(be, 1.25, -3e-7, 1e200));
        assertArrayEquals(new double[] {1.25, -3e-7, 1e200}, NpyReader.read(f8).toDoubleRowMajor());
        assertEquals(ByteOrder.BIG_ENDIAN, NpyReader.readHeader(f8).byteOrder());

        Path f4 = NpyTestFiles.write(tmp.resolve("be_f4.npy"), header(2, dict(">f4", false, "(1, 2)")),
                NpyTestFiles.floats(be, -0.5f, 1e30f));
        assertArrayEquals(new float[] {-0.5f, 1e30f}, NpyReader.read(f4).toFloatRowMajor());

        Path i4 = NpyTestFiles.write(tmp.resolve("be_i4.npy"), header(3, dict(">i4", false, "(2,)")),
                NpyTestFiles.ints(be, -2, 123456789));
        assertArrayEquals(new int[] {-2, 123456789}, (int[]) NpyReader.read(i4).data());

        Path i8 = NpyTestFiles.write(tmp.resolve("be_i8.npy"), header(1, dict(">i8", false, "(2,)")),
                NpyTestFiles.longs(be, -2L, 1L << 60));
        assertArrayEquals(new long[] {-2L, 1L << 60}, (long[]) NpyReader.read(i8).data());

        Path f2 = NpyTestFiles.write(tmp.resolve("be_f2.npy"), header(1, dict(">f2", false, "(2,)")),
                NpyTestFiles.shorts(be, (short) 0x3C00, (short) 0xC000));
        assertArrayEquals(new float[] {1f, -2f}, NpyReader.read(f2).toFloatRowMajor());
    }

    @Test
    void conversionsRespectSignednessAndHalfPrecision() {
        assertArrayEquals(new double[] {255, 128, 0}, NpyArray.ofUint8(new byte[] {-1, -128, 0}, 3).toDoubleRowMajor());
        assertArrayEquals(new double[] {-1, -128, 0}, NpyArray.ofInt8(new byte[] {-1, -128, 0}, 3).toDoubleRowMajor());
        assertArrayEquals(new float[] {1, 0}, NpyArray.ofBool(new boolean[] {true, false}, 2).toFloatRowMajor());
        short[] halves = {0x3C00, (short) 0xC000, 0x0001, 0x7BFF, 0x7C00, (short) 0x8000, 0x0400};
        float[] expected = {1f, -2f, 0x1p-24f, 65504f, Float.POSITIVE_INFINITY, -0f, 0x1p-14f};
        assertArrayEquals(expected, NpyArray.ofFloat16Bits(halves, halves.length).toFloatRowMajor());
        assertTrue(Float.isNaN(NpyArray.ofFloat16Bits(new short[] {0x7E00}, 1).toFloatRowMajor()[0]));
    }

    /** numpy is the format's reference implementation: it must read what we write and we what it writes. */
    @Test
    void agreesWithNumpyInBothDirections() throws IOException {
        TestFiles.assumeH5py();
        NpyWriter.writeFloat32(tmp.resolve("j_f4.npy"), new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        NpyWriter.writeFloat64(tmp.resolve("j_f8.npy"), new double[] {0, 1, 2, 3}, 4);
        NpyWriter.writeUint8(tmp.resolve("j_u1.npy"), new byte[] {0, 1, 2, 3, 4, 5}, 3, 2);
        NpyWriter.writeInt64(tmp.resolve("j_i8.npy"), new long[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2);
        String out = TestFiles.pythonOk("""
                import sys, numpy as np
                d = sys.argv[1]
                for name, dt, shape in [('f4', '<f4', (2, 3)), ('f8', '<f8', (4,)), ('u1', '|u1', (3, 2)),
                                        ('i8', '<i8', (2, 2, 2))]:
                    a = np.load(d + '/j_' + name + '.npy')
                    exp = np.arange(int(np.prod(shape))).astype(dt).reshape(shape)
                    assert a.dtype == exp.dtype and a.shape == exp.shape and np.array_equal(a, exp), name
                rng = np.random.default_rng(7)
                np.save(d + '/p_f4.npy', rng.standard_normal((17, 5)).astype('<f4'))
                np.save(d + '/p_be_f8.npy', rng.standard_normal((4, 3)).astype('>f8'))
                np.save(d + '/p_b1.npy', rng.random((6, 4)) > 0.5)
                np.save(d + '/p_i1.npy', np.array([-128, -1, 0, 127], dtype=np.int8))
                np.save(d + '/p_i4.npy', np.arange(-5, 5, dtype='<i4').reshape(2, 5))
                np.save(d + '/p_f2.npy', np.array([0.5, -1.0, 65504.0, 6e-8], dtype='<f2'))
                for n in ['p_f4', 'p_be_f8', 'p_b1', 'p_i1', 'p_i4', 'p_f2']:
                    a = np.load(d + '/' + n + '.npy')
                    np.save(d + '/' + n + '_as_f8.npy', a.astype('<f8'))
                print('ok')
                """, tmp.toString());
        assertTrue(out.contains("ok"), out);
        for (String n : new String[] {"p_f4", "p_be_f8", "p_b1", "p_i1", "p_i4", "p_f2"}) {
            NpyArray ours = NpyReader.read(tmp.resolve(n + ".npy"));
            NpyArray theirs = NpyReader.read(tmp.resolve(n + "_as_f8.npy"));
            assertArrayEquals(theirs.shape(), ours.shape(), n);
            assertArrayEquals(theirs.toDoubleRowMajor(), ours.toDoubleRowMajor(), n);
        }
        assertEquals(NpyDtype.BOOL, NpyReader.read(tmp.resolve("p_b1.npy")).dtype());
    }
}
