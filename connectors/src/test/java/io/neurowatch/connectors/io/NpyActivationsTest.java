package io.neurowatch.connectors.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.InMemoryActivations;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyActivationsTest {
    @TempDir
    Path tmp;

    @Test
    void matrixOfFloat32IsReadColumnWise() throws IOException {
        Path f = tmp.resolve("a.npy");
        NpyWriter.writeFloat32(f, new float[] {1, 2, 3, 4, 5, 6.25f}, 3, 2);
        try (InMemoryActivations a = NpyActivations.open(f)) {
            assertEquals(3, a.rows());
            assertEquals(2, a.features());
            assertTrue(a.float32());
            assertArrayEquals(new double[][] {{1, 3, 5}, {2, 4, 6.25}}, a.readColumns(0, 2));
            assertEquals(f.toString(), a.describe());
        }
    }

    @Test
    void vectorIsOneUnitAndFloat64IsKept() throws IOException {
        Path f = tmp.resolve("v.npy");
        NpyWriter.writeFloat64(f, new double[] {0.1, 0.2, 0.3}, 3);
        try (InMemoryActivations a = NpyActivations.open(f)) {
            assertEquals(1, a.features());
            assertFalse(a.float32());
            assertArrayEquals(new double[] {0.1, 0.2, 0.3}, a.readColumns(0, 1)[0]);
        }
    }

    @Test
    void otherDtypesAndRanksAreRejectedNamingFileShapeAndDtype() throws IOException {
        Path ints = tmp.resolve("ints.npy");
        NpyWriter.writeInt64(ints, new long[6], 2, 3);
        FileFormatException e = assertThrows(FileFormatException.class, () -> NpyActivations.open(ints));
        assertTrue(e.getMessage().contains("ints.npy") && e.getMessage().contains("int64 [2, 3]"), e.getMessage());

        Path cube = tmp.resolve("cube.npy");
        NpyWriter.writeFloat32(cube, new float[8], 2, 2, 2);
        e = assertThrows(FileFormatException.class, () -> NpyActivations.open(cube));
        assertTrue(e.getMessage().contains("cube.npy") && e.getMessage().contains("float32 [2, 2, 2]")
                && e.getMessage().contains("[N] or [N, D]"), e.getMessage());
    }
}
