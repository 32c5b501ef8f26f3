package io.neurowatch.connectors.io;

import static io.neurowatch.connectors.io.Hdf5Assertions.assertBlockSplitsAgree;
import static io.neurowatch.connectors.io.Hdf5Assertions.assertColumns;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.object.message.DataLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hdf5ActivationWriterTest {
    @TempDir
    Path tmp;

    private static void assertContains(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    private List<String> dirNames() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesChunkedCompressedFileWithAttributesAndReadsBackColumnBlocks() throws IOException {
        float[][] rows = TestFiles.matrix(2500, 300, 11);
        Path f = tmp.resolve("acts.h5");
        Hdf5WriteOptions opts = Hdf5WriteOptions.defaults().withFeatureShape(3, 10, 10).withLayer("layer3.conv2")
                .withModelId("resnet18@v1");
        try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(f, opts)) {
            w.append(java.util.Arrays.copyOfRange(rows, 0, 1000));
            float[] flat = new float[1500 * 300];
            for (int i = 0; i < 1500; i++) {
                System.arraycopy(rows[1000 + i], 0, flat, i * 300, 300);
            }
            w.append(1500, 300, flat);
            assertEquals(2500, w.rows());
            assertEquals(300, w.features());
            assertFalse(Files.exists(f), "nothing reaches disk before close");
        }
        assertEquals(List.of("acts.h5"), dirNames(), "no temp file is left behind");

        try (HdfFile h = new HdfFile(f)) {
            Dataset ds = h.getDatasetByPath("Y");
            assertEquals(DataLayout.CHUNKED, ds.getDataLayout());
            assertArrayEquals(new int[] {1024, 256}, ((ChunkedDataset) ds).getChunkDimensions());
            assertEquals(2, ds.getFilters().size(), "shuffle + deflate");
        }
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(f)) {
            assertTrue(src.float32());
            assertArrayEquals(new int[] {3, 10, 10}, src.featureShape().orElseThrow());
            assertEquals("layer3.conv2", src.layer().orElseThrow());
            assertEquals("resnet18@v1", src.modelId().orElseThrow());
            assertEquals(List.of(f), src.files());
            assertColumns(rows, src, 256);
            assertColumns(rows, src, 7);
            assertBlockSplitsAgree(src, 1, 13, 100, 299);
            double[][] middle = src.readColumns(255, 258);
            assertEquals(rows[2499][256], middle[1][2499]);
        }
    }

    @Test
    void contiguousAndSmallChunkLayoutsReadTheSame() throws IOException {
        float[][] rows = TestFiles.matrix(130, 20, 12);
        for (Hdf5WriteOptions o : List.of(Hdf5WriteOptions.defaults().contiguous(),
                Hdf5WriteOptions.defaults().withChunks(64, 8),
                Hdf5WriteOptions.defaults().withChunks(7, 3).withCompression(0, false),
                Hdf5WriteOptions.defaults().withChunks(100000, 100000).withCompression(9, false))) {
            Path f = tmp.resolve("layout.h5");
            try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(f, o)) {
                w.append(rows);
            }
            try (Hdf5ActivationSource src = Hdf5ActivationSource.open(f)) {
                assertColumns(rows, src, 3);
                assertColumns(rows, src, 20);
                assertTrue(src.featureShape().isEmpty());
                assertTrue(src.layer().isEmpty());
            }
        }
    }

    @Test
    void replacingALargerFileLeavesNoStaleBytes() throws IOException {
        Path f = tmp.resolve("same.h5");
        try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(f, Hdf5WriteOptions.defaults().contiguous())) {
            w.append(TestFiles.matrix(2000, 64, 1));
        }
        long big = Files.size(f);
        float[][] small = TestFiles.matrix(5, 3, 2);
        try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(f)) {
            w.append(small);
        }
        assertTrue(Files.size(f) < big / 10, "the old file was replaced, not overwritten in place");
        try (Hdf5ActivationSource src = Hdf5ActivationSource.open(f)) {
            assertColumns(small, src, 3);
        }
    }

    @Test
    void rejectsChangedDAndBadBatches() throws IOException {
        Path f = tmp.resolve("d.h5");
        try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(f)) {
            w.append(new float[][] {{1, 2, 3}});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.append(new float[][] {{1, 2}}));
            assertContains(e, "D = 2", "D = 3", "d.h5");
            assertContains(assertThrows(IllegalArgumentException.class, () -> w.append(2, 3, new float[5])),
                    "[2, 3]", "6 values", "5");
            assertContains(assertThrows(IllegalArgumentException.class,
                    () -> w.append(new float[][] {{1, 2, 3}, {1}})), "row 1 has 1 values");
            w.append(new float[0][]);
            assertEquals(1, w.rows());
        }
        assertThrows(IllegalStateException.class, () -> {
            Hdf5ActivationWriter w = Hdf5ActivationWriter.create(tmp.resolve("x.h5"));
            w.close();
        });
        Hdf5ActivationWriter shaped = Hdf5ActivationWriter.create(tmp.resolve("s.h5"),
                Hdf5WriteOptions.defaults().withFeatureShape(2, 2));
        assertContains(assertThrows(IllegalArgumentException.class, () -> shaped.append(new float[][] {{1, 2, 3}})),
                "feature_shape [2, 2]", "D = 3");
        shaped.abort();
    }

    @Test
    void abortWritesNothingAndClosedWriterRejectsAppends() throws IOException {
        Path f = tmp.resolve("aborted.h5");
        Hdf5ActivationWriter w = Hdf5ActivationWriter.create(f);
        w.append(new float[][] {{1}});
        w.abort();
        w.close();
        assertFalse(Files.exists(f));
        assertThrows(IllegalStateException.class, () -> w.append(new float[][] {{1}}));
        assertEquals(List.of(), dirNames());
    }

    @Test
    void optionsValidateTheirSettings() {
        assertThrows(IllegalArgumentException.class, () -> Hdf5WriteOptions.defaults().withChunks(0, 5));
        assertThrows(IllegalArgumentException.class, () -> Hdf5WriteOptions.defaults().withCompression(10, true));
        assertThrows(IllegalArgumentException.class,
                () -> Hdf5WriteOptions.defaults().contiguous().withCompression(1, false));
        assertThrows(IllegalArgumentException.class, () -> Hdf5WriteOptions.defaults().withFeatureShape(2, 0));
    }
}
