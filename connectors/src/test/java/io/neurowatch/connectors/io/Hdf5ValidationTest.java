package io.neurowatch.connectors.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are valid HDF5 but not an activation store, written directly with jhdf. */
class Hdf5ValidationTest {
    @TempDir
    Path tmp;

    private static void assertContains(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    private Path various() {
        Path f = tmp.resolve("various.h5");
        try (WritableHdfFile w = HdfFile.write(f)) {
            w.putDataset("vector", new float[] {1, 2, 3});
            w.putDataset("ints", new int[][] {{1, 2}, {3, 4}});
            w.putDataset("doubles", new double[][] {{0.1, 0.2}, {1e300, -4.9e-324}, {5, 6}});
            WritableDataset shaped = w.putDataset("shaped", new float[][] {{1, 2, 3}});
            shaped.putAttribute("feature_shape", new int[] {2, 2});
            WritableGroup g = w.putGroup("group");
            g.putDataset("inner", new float[][] {{1}});
        }
        return f;
    }

    @Test
    void missingDatasetListsTheExistingOnes() {
        Path f = various();
        FileFormatException e = assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(f));
        assertContains(e, "various.h5", "no dataset 'Y'", "/vector", "/ints", "/doubles", "/group/inner");
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(f, "group")),
                "'group' is a group, not a dataset");
    }

    @Test
    void wrongRankOrTypeOrFeatureShapeIsNamed() {
        Path f = various();
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(f, "vector")),
                "various.h5", "dataset 'vector'", "shape [3]", "2-D");
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(f, "ints")),
                "dataset 'ints'", "type int32", "expected float32");
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(f, "shaped")),
                "feature_shape [2, 2]", "4 elements", "D = 3");
    }

    @Test
    void float64IsReadExactly() throws IOException {
        Path f = various();
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(f, "doubles")) {
            assertFalse(src.float32());
            assertArrayEquals(new double[][] {{0.1, 1e300, 5}, {0.2, -4.9e-324, 6}}, src.readColumns(0, 2));
        }
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(f, "/group/inner")) {
            assertTrue(src.float32());
            assertEquals(1.0, src.readColumns(0, 1)[0][0]);
        }
    }

    @Test
    void notHdf5AndMissingPaths() throws IOException {
        Path txt = Files.writeString(tmp.resolve("notes.h5"), "plain text, not HDF5");
        assertContains(assertThrows(FileFormatException.class, () -> Hdf5ActivationSource.open(txt)),
                "notes.h5", "not a readable HDF5 file");
        assertThrows(NoSuchFileException.class, () -> Hdf5ActivationSource.open(tmp.resolve("absent.h5")));
    }

    @Test
    void rangeChecksAndClosedSource() throws IOException {
        Path f = tmp.resolve("ok.h5");
        try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(f)) {
            w.append(new float[][] {{1, 2}, {3, 4}});
        }
        Hdf5ActivationSource src = Hdf5ActivationSource.open(f);
        assertThrows(IllegalArgumentException.class, () -> src.readColumns(1, 1));
        assertThrows(IllegalArgumentException.class, () -> src.readColumns(0, 3));
        assertThrows(IllegalArgumentException.class, () -> src.readColumns(-1, 1));
        assertTrue(src.describe().contains("ok.h5"));
        src.close();
        src.close();
        assertThrows(IllegalStateException.class, () -> src.readColumns(0, 1));
    }
}
