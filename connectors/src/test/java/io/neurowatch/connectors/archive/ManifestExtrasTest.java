package io.neurowatch.connectors.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.connectors.io.Hdf5SegmentWriter;
import io.neurowatch.connectors.io.Hdf5WriteOptions;
import io.neurowatch.connectors.io.SegmentManifest;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's keys live in the store's manifest.json; the plain segment writer must carry them through. */
class ManifestExtrasTest {
    @TempDir
    Path tmp;

    @Test
    void plainSegmentWriterKeepsTheArchiveKeysAndTheArchiveRefusesItsSegments() throws IOException {
        try (StreamArchive a = StreamArchive.open(tmp, ArchiveOptions.defaults().withRowsPerSegment(2)
                .withMaxSegmentAge(null))) {
            TestRecords.record("m", "l", 3, 0, 0, 2, 0, true).append(a);
        }
        Path dir = new LayerKey("m", "l").directory(tmp);
        ObjectNode before = SegmentManifest.read(dir).extra();
        ObjectNode entryBefore = SegmentManifest.read(dir).segments().get(0).extra();
        assertTrue(entryBefore.has("offsets") && entryBefore.has("min_timestamp"), entryBefore.toString());
        try (Hdf5SegmentWriter w = Hdf5SegmentWriter.open(dir, Hdf5WriteOptions.defaults(), 2)) {
            w.append(new float[][] {{1, 2, 3}});
        }
        SegmentManifest after = SegmentManifest.read(dir);
        assertEquals(before, after.extra());
        assertEquals(entryBefore, after.segments().get(0).extra());
        assertEquals(new ObjectMapper().createObjectNode(), after.segments().get(1).extra());
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> StreamArchive.open(tmp, ArchiveOptions.defaults()));
        assertTrue(e.getMessage().contains("seg-000001.h5"), e.getMessage());
    }
}
