package io.neurowatch.connectors.archive;

import static io.neurowatch.connectors.archive.TestRecords.Rec;
import static io.neurowatch.connectors.archive.TestRecords.assertWindow;
import static io.neurowatch.connectors.archive.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.state.SourcePartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveRetentionTest {
    static final long T0 = 1_700_000_000_000L;
    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(T0);

    private ArchiveOptions options() {
        return ArchiveOptions.defaults().withRowsPerSegment(4).withMaxSegmentAge(null).withClock(clock);
    }

    /** 20 two-row records, one minute apart, on partition 0: segments of 4 rows = 2 records each. */
    private static List<Rec> records(String layer, int d, long start) {
        return records(layer, d, start, 0);
    }

    private static List<Rec> records(String layer, int d, long start, int partition) {
        List<Rec> out = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            out.add(record("m", layer, d, partition, k, 2, start + k * 60_000L, true));
        }
        return out;
    }

    private static long[] ids(List<Rec> recs) {
        return recs.stream().flatMapToLong(r -> Arrays.stream(r.ids())).toArray();
    }

    private static long[] ts(List<Rec> recs) {
        return recs.stream().flatMapToLong(r -> Arrays.stream(r.ts())).toArray();
    }

    @Test
    void maxAgeDropsLeadingSegmentsAndWindowsStartAfterThem() throws IOException {
        List<Rec> recs = records("l", 3, T0 - 20 * 60_000L); // the newest record is one minute old
        Map<SourcePartition, Long> offsets;
        try (StreamArchive a = StreamArchive.open(tmp, options())) {
            for (Rec r : recs) {
                r.append(a);
            }
            a.flush();
            offsets = a.archivedOffsets();
            assertEquals(10, a.segments("m", "l").size());
            long bytes = a.bytesOnDisk();
            // Keep rows of the last 7.5 minutes: a segment goes when its newest row is older than that.
            List<DroppedSegment> dropped = a.applyRetention(RetentionPolicy.maxAge(Duration.ofSeconds(450)));
            assertEquals(6, dropped.size());
            for (DroppedSegment d : dropped) {
                assertEquals(new LayerKey("m", "l"), d.layer());
                assertTrue(d.segment().maxTimestamp() < T0 - 450_000L);
                assertFalse(Files.exists(d.segment().file()));
                bytes -= d.segment().bytes();
            }
            assertEquals(bytes, a.bytesOnDisk());
            assertEquals(offsets, a.archivedOffsets());
            try (ArchiveWindow w = a.window("m", "l", WindowSpec.all(), TestRecords.CONCEPTS)) {
                List<Rec> kept = recs.subList(12, 20);
                assertWindow(w, ids(kept), ts(kept), 3);
            }
            try (ArchiveWindow w = a.window("m", "l", WindowSpec.lastSamples(1000), TestRecords.CONCEPTS)) {
                assertEquals(16, w.rows());
            }
            // Dropped records are not archived again when replayed.
            assertFalse(recs.get(0).append(a));
            assertEquals(List.of(), a.applyRetention(RetentionPolicy.maxAge(Duration.ofSeconds(450))));
        }
        try (StreamArchive a = StreamArchive.open(tmp, options())) {
            assertTrue(a.reconcileReport().isClean(), a.reconcileReport().toString());
            assertEquals(4, a.segments("m", "l").size());
            assertEquals(offsets, a.archivedOffsets());
            assertFalse(recs.get(3).append(a));
            // Everything too old: the layer stays, empty, and keeps D and its offsets.
            clock.advance(Duration.ofDays(1));
            assertEquals(4, a.applyRetention(RetentionPolicy.maxAge(Duration.ofHours(1))).size());
            assertEquals(0, a.layers().get(0).rows());
            assertEquals(3, a.layers().get(0).features());
        }
        try (StreamArchive a = StreamArchive.open(tmp, options())) {
            assertEquals(0, a.segments("m", "l").size());
            assertFalse(recs.get(19).append(a));
            assertTrue(record("m", "l", 3, 0, 20, 4, T0, true).append(a));
            a.awaitSegmentWrites();
            assertEquals("seg-000010.h5", a.segments("m", "l").get(0).file().getFileName().toString(),
                    "segment numbers are not reused after retention emptied the layer");
        }
    }

    @Test
    void sizeBudgetDropsTheOldestSegmentsAcrossLayers() throws IOException {
        try (StreamArchive a = StreamArchive.open(tmp, options())) {
            // Layer "old" is older throughout, but layer "new" starts before "old" ends.
            for (Rec r : records("old", 3, T0 - 10_000_000L)) {
                r.append(a);
            }
            for (Rec r : records("new", 3, T0 - 10_000_000L + 600_000L, 1)) {
                r.append(a);
            }
            a.flush();
            long total = a.bytesOnDisk();
            long perSegment = a.segments("m", "old").get(0).bytes();
            long budget = total - 5 * perSegment;
            List<DroppedSegment> dropped = a.applyRetention(RetentionPolicy.maxTotalBytes(budget));
            assertTrue(a.bytesOnDisk() <= budget);
            // Oldest first by newest row: old#0..#4 end before new#0 (10 min later) ends.
            List<String> order = dropped.stream().map(d -> d.layer().layer() + "#" + d.segment().sequence()).toList();
            assertTrue(order.size() >= 5, order.toString());
            for (int i = 1; i < dropped.size(); i++) {
                assertTrue(dropped.get(i - 1).segment().maxTimestamp() <= dropped.get(i).segment().maxTimestamp(),
                        order.toString());
            }
            assertEquals(List.of("old#0", "old#1", "old#2", "old#3", "old#4"), order.subList(0, 5));
            // What remains of each layer is a contiguous tail.
            for (String layer : List.of("old", "new")) {
                List<SegmentInfo> segs = a.segments("m", layer);
                for (int i = 1; i < segs.size(); i++) {
                    assertEquals(segs.get(i - 1).sequence() + 1, segs.get(i).sequence());
                }
                assertEquals(9, segs.get(segs.size() - 1).sequence());
            }
        }
    }

    @Test
    void anOpenWindowKeepsItsDroppedSegmentsUntilClosed() throws IOException {
        List<Rec> recs = records("l", 3, T0 - 20 * 60_000L);
        try (StreamArchive a = StreamArchive.open(tmp, options())) {
            for (Rec r : recs) {
                r.append(a);
            }
            a.flush();
            ArchiveWindow w = a.window("m", "l", WindowSpec.lastSamples(10), TestRecords.CONCEPTS);
            List<DroppedSegment> dropped = a.applyRetention(RetentionPolicy.maxAge(Duration.ZERO));
            assertEquals(10, dropped.size());
            for (Path f : w.segments()) {
                assertTrue(Files.exists(f), f + " is still read by the window");
            }
            assertFalse(Files.exists(dropped.get(0).segment().file()));
            List<Rec> last = recs.subList(15, 20);
            assertWindow(w, ids(last), ts(last), 3);
            w.close();
            for (Path f : w.segments()) {
                assertFalse(Files.exists(f), f + " goes with the window");
            }
            try (ArchiveWindow empty = a.window("m", "l", WindowSpec.all(), TestRecords.CONCEPTS)) {
                assertEquals(0, empty.rows());
                assertEquals(3, empty.activations().features());
            }
        }
    }
}
