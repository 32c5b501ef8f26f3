package io.neurowatch.connectors.io;

import static io.neurowatch.connectors.io.NpyTestFiles.dict;
import static io.neurowatch.connectors.io.NpyTestFiles.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyErrorsTest {
    @TempDir
    Path tmp;

    private FileFormatException fails(Path f) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> NpyReader.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), "message names the file: " + e.getMessage());
        assertEquals(f, e.file());
        return e;
    }

    private static void assertContains(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void aFileWithoutTheNpyMagicIsRejectedNamingIt() throws IOException {
        Path f = Files.writeString(tmp.resolve("text.npy"), "hello world, not numpy");
        assertContains(fails(f), "bad magic", "'hello '");
        Path empty = Files.write(tmp.resolve("empty.npy"), new byte[0]);
        assertContains(fails(empty), "bad magic", "empty");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path tiny = Files.write(tmp.resolve("tiny.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M'});
        assertContains(fails(tiny), "truncated header", "4 bytes");

        byte[] full = header(1, dict("<f4", false, "(2,)"));
        Path cut = Files.write(tmp.resolve("cut.npy"), Arrays.copyOf(full, 30));
        assertContains(fails(cut), "truncated header", "declares " + (full.length - 10) + " bytes");

        Path noLength = Files.write(tmp.resolve("nolen.npy"), Arrays.copyOf(header(2, dict("<f4", false, "(2,)")), 10));
        assertContains(fails(noLength), "truncated header", "needs 12");
    }

    @Test
    void truncatedDataStatesExpectedAndActualBytes() throws IOException {
        Path f = NpyTestFiles.write(tmp.resolve("short.npy"), header(1, dict("<f8", false, "(10, 3)")),
                NpyTestFiles.doubles(ByteOrder.LITTLE_ENDIAN, new double[29]));
        FileFormatException e = fails(f);
        assertContains(e, "truncated data", "240 bytes", "only 232 bytes", "float64 [10, 3]");
        assertThrows(FileFormatException.class, () -> NpyReader.readHeader(f));
    }

    @Test
    void unsupportedDtypeIsNamed() throws IOException {
        Path u2 = NpyTestFiles.write(tmp.resolve("u2.npy"), header(1, dict("<u2", false, "(1,)")), new byte[2]);
        assertContains(fails(u2), "unsupported dtype '<u2'", "float32");
        Path c8 = NpyTestFiles.write(tmp.resolve("c8.npy"), header(1, dict("<c8", false, "(1,)")), new byte[8]);
        assertContains(fails(c8), "unsupported dtype '<c8'");
        Path str = NpyTestFiles.write(tmp.resolve("str.npy"), header(1, dict("<U3", false, "(1,)")), new byte[12]);
        assertContains(fails(str), "unsupported dtype '<U3'");
        Path rec = NpyTestFiles.write(tmp.resolve("rec.npy"),
                header(1, "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }"),
                new byte[8]);
        assertContains(fails(rec), "unsupported dtype [[a, <f4], [b, <i4]]", "structured");
    }

    @Test
    void fortranOrderIsRejected() throws IOException {
        Path f = NpyTestFiles.write(tmp.resolve("fortran.npy"), header(1, dict("<f4", true, "(2, 2)")),
                NpyTestFiles.floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4));
        assertContains(fails(f), "Fortran order", "fortran_order: True", "ascontiguousarray");
    }

    @Test
    void unsupportedVersionAndMalformedHeaders() throws IOException {
        byte[] v4 = header(2, dict("<f4", false, "(1,)"));
        v4[6] = 4;
        Path f = NpyTestFiles.write(tmp.resolve("v4.npy"), v4, new byte[4]);
        assertContains(fails(f), "unsupported NPY format version 4.0");

        Path garbage = NpyTestFiles.write(tmp.resolve("garbage.npy"), header(1, "{'descr': '<f4', 'shape': (1,"),
                new byte[4]);
        assertContains(fails(garbage), "malformed header");

        Path missing = NpyTestFiles.write(tmp.resolve("missing.npy"), header(1, "{'descr': '<f4', 'shape': (1,)}"),
                new byte[4]);
        assertContains(fails(missing), "malformed header", "missing key(s) [fortran_order]");

        Path extra = NpyTestFiles.write(tmp.resolve("extra.npy"),
                header(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}"), new byte[4]);
        assertContains(fails(extra), "unexpected key(s) [x]");

        Path negative = NpyTestFiles.write(tmp.resolve("neg.npy"), header(1, dict("<f4", false, "(-1,)")),
                new byte[4]);
        assertContains(fails(negative), "malformed header", "shape");
    }

    @Test
    void missingFileIsAnIoExceptionNamingIt() {
        Path f = tmp.resolve("absent.npy");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> NpyReader.read(f));
        assertTrue(e.getMessage().contains("absent.npy"));
    }

    @Test
    void shapeAndDataMismatchIsRejectedWhenBuildingAnArray() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofFloat32(new float[5], 2, 3));
        assertContains(e, "[2, 3]", "6 elements", "5");
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> new NpyArray(new long[] {1}, NpyDtype.FLOAT64, new float[1]));
        assertContains(t, "double[]", "float[]");
    }
}
