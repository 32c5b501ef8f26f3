package io.neurowatch.connectors.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.InMemoryActivations;
import io.neurowatch.core.LabelMatrix;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shared golden inputs (written by numpy.save) must read exactly. */
class FixturesTest {
    private final Path invert = TestFiles.fixtures("invert");

    @Test
    void theReferenceActivationsA1ReadExactly() throws IOException {
        Path f = invert.resolve("A1.npy");
        NpyHeader h = NpyReader.readHeader(f);
        assertEquals(NpyDtype.FLOAT32, h.dtype());
        assertArrayEquals(new long[] {3000, 4}, h.shape());
        NpyArray raw = NpyReader.read(f);
        double[] flat = raw.toDoubleRowMajor();
        try (InMemoryActivations a = NpyActivations.open(f)) {
            assertEquals(3000, a.rows());
            assertEquals(4, a.features());
            assertTrue(a.float32());
            double[][] cols = a.readColumns(0, 4);
            for (int i = 0; i < 3000; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(flat[i * 4 + j], cols[j][i]);
                }
            }
            double sum = 0;
            for (double v : flat) {
                sum += Math.abs(v);
            }
            assertTrue(sum > 0, "activations are not all zero");
        }
    }

    @Test
    void theReferenceLabelsY1ReadExactly() throws IOException {
        Path f = invert.resolve("Y1.npy");
        NpyArray raw = NpyReader.read(f);
        assertEquals(NpyDtype.UINT8, raw.dtype());
        assertArrayEquals(new long[] {3000, 25}, raw.shape());
        LabelMatrix m = LabelReader.read(f);
        assertEquals(3000, m.rows());
        assertEquals(25, m.concepts());
        byte[] b = (byte[]) raw.data();
        int positives = 0;
        for (int i = 0; i < 3000; i++) {
            for (int c = 0; c < 25; c++) {
                assertEquals(b[i * 25 + c] == 1, m.get(i, c), "row " + i + ", column " + c);
                positives += b[i * 25 + c];
            }
        }
        int counted = 0;
        for (int c = 0; c < 25; c++) {
            counted += m.count(c);
        }
        assertEquals(positives, counted);
        assertTrue(positives > 0);
    }
}
