package io.neurowatch.connectors.archive;

import static io.neurowatch.connectors.archive.TestRecords.Rec;
import static io.neurowatch.connectors.archive.TestRecords.assertWindow;
import static io.neurowatch.connectors.archive.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.connectors.io.Hdf5ActivationSource;
import io.neurowatch.connectors.io.Hdf5WriteOptions;
import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.SourcePartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamArchiveTest {
    static final String MODEL = "resnet18";
    static final String LAYER = "layer4.1";
    static final int D = 11;

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    private ArchiveOptions options(int rowsPerSegment) {
        return ArchiveOptions.defaults().withRowsPerSegment(rowsPerSegment).withMaxSegmentAge(null)
                .withClock(clock).withWriteOptions(Hdf5WriteOptions.defaults().withChunks(4, 4));
    }

    /**
     * 60 records of 1 to 4 rows over 3 partitions, interleaved round-robin; timestamps grow with the record index
     * (10 s apart) except that partition 2 runs 25 s behind, so timestamps in archive order are not monotone.
     */
    private static List<Rec> records() {
        List<Rec> out = new ArrayList<>();
        long[] nextOffset = {0, 100, 7};
        for (int k = 0; k < 60; k++) {
            int p = k % 3;
            long ts = 1_000_000L + k * 10_000L - (p == 2 ? 25_000 : 0);
            out.add(record(MODEL, LAYER, D, p, nextOffset[p]++, 1 + (k * 7) % 4, ts, true));
        }
        return out;
    }

    private static long[] ids(List<Rec> recs) {
        return recs.stream().flatMapToLong(r -> java.util.Arrays.stream(r.ids())).toArray();
    }

    private static long[] ts(List<Rec> recs) {
        return recs.stream().flatMapToLong(r -> java.util.Arrays.stream(r.ts())).toArray();
    }

    @Test
    void appendsAcrossPartitionsRollsByRowsAndReopens() throws IOException {
        List<Rec> recs = records();
        Path root = tmp.resolve("archive");
        try (StreamArchive a = StreamArchive.open(root, options(7))) {
            for (Rec r : recs) {
                assertTrue(r.append(a));
            }
            List<SegmentInfo> segs = a.segments(MODEL, LAYER);
            assertTrue(segs.size() >= 8, "rolled by rows: " + segs.size() + " segments");
            for (SegmentInfo s : segs) {
                assertTrue(s.rows() <= 7, s.file() + " has " + s.rows() + " rows");
                assertTrue(Files.isRegularFile(s.file()));
            }
        }
        try (StreamArchive a = StreamArchive.open(root, options(7))) {
            assertTrue(a.reconcileReport().isClean(), a.reconcileReport().toString());
            assertEquals(Map.of(new SourcePartition("acts", 0), 20L, new SourcePartition("acts", 1), 120L,
                    new SourcePartition("acts", 2), 27L), a.archivedOffsets());
            long total = ids(recs).length;
            LayerSummary summary = a.layers().get(0);
            assertEquals(new LayerKey(MODEL, LAYER), summary.layer());
            assertEquals(total, summary.rows());
            assertEquals(D, summary.features());
            assertEquals(0, summary.bufferedRows());
            assertEquals(a.bytesOnDisk(), summary.bytes());
            assertEquals(java.util.Set.of(MODEL), a.models());
            try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.all(), TestRecords.CONCEPTS)) {
                assertWindow(w, ids(recs), ts(recs), D);
                assertEquals(a.segments(MODEL, LAYER).size(), w.segments().size());
            }
            // The layer directory is an ordinary INVERT store.
            try (Hdf5ActivationSource store = Hdf5ActivationSource.open(
                    new LayerKey(MODEL, LAYER).directory(root))) {
                assertEquals(total, store.rows());
                double[][] col3 = store.readColumns(3, 4);
                long[] all = ids(recs);
                for (int i = 0; i < all.length; i++) {
                    assertEquals(TestRecords.value(all[i], 3, D), col3[0][i]);
                }
            }
            // Offsets covered by each segment add up to the records appended.
            long covered = 0;
            for (SegmentInfo s : a.segments(MODEL, LAYER)) {
                for (OffsetRange r : s.offsets()) {
                    covered += r.last() - r.first() + 1;
                }
            }
            assertEquals(60, covered);
        }
    }

    @Test
    void lastSamplesWindowStartsMidSegment() throws IOException {
        List<Rec> recs = records();
        try (StreamArchive a = StreamArchive.open(tmp, options(7))) {
            for (Rec r : recs) {
                r.append(a);
            }
            a.flush();
            long[] all = ids(recs);
            long[] allTs = ts(recs);
            for (int n : new int[] {1, 5, 9, 23, all.length - 1, all.length, all.length + 50}) {
                int from = Math.max(0, all.length - n);
                try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.lastSamples(n), TestRecords.CONCEPTS)) {
                    assertWindow(w, java.util.Arrays.copyOfRange(all, from, all.length),
                            java.util.Arrays.copyOfRange(allTs, from, all.length), D);
                    int segRows = 0;
                    for (Path f : w.segments()) {
                        segRows += a.segments(MODEL, LAYER).stream().filter(s -> s.file().equals(f))
                                .findFirst().orElseThrow().rows();
                    }
                    assertTrue(segRows - w.rows() < 7 + 4, "only the segments needed are used");
                }
            }
            try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.lastSamples(0), TestRecords.CONCEPTS)) {
                assertEquals(0, w.rows());
                assertEquals(0, w.activations().rows());
                assertEquals(List.of(), w.segments());
            }
        }
    }

    @Test
    void timeWindowsSelectExactlyTheRowsInRangeEvenWhenTimestampsInterleave() throws IOException {
        List<Rec> recs = records();
        try (StreamArchive a = StreamArchive.open(tmp, options(7))) {
            for (Rec r : recs) {
                r.append(a);
            }
            a.flush();
            long[] all = ids(recs);
            long[] allTs = ts(recs);
            long newest = java.util.Arrays.stream(allTs).max().orElseThrow();
            for (Duration d : new Duration[] {Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(95),
                    Duration.ofMinutes(100)}) {
                long cutoff = newest - d.toMillis();
                List<Long> wantIds = new ArrayList<>();
                List<Long> wantTs = new ArrayList<>();
                for (int i = 0; i < all.length; i++) {
                    if (allTs[i] >= cutoff) {
                        wantIds.add(all[i]);
                        wantTs.add(allTs[i]);
                    }
                }
                long[] wi = wantIds.stream().mapToLong(Long::longValue).toArray();
                long[] wt = wantTs.stream().mapToLong(Long::longValue).toArray();
                try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.lastDuration(d), TestRecords.CONCEPTS)) {
                    assertWindow(w, wi, wt, D);
                }
                try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.since(cutoff), TestRecords.CONCEPTS)) {
                    assertWindow(w, wi, wt, D);
                }
            }
            try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.since(newest + 1), TestRecords.CONCEPTS)) {
                assertEquals(0, w.rows());
            }
        }
    }

    @Test
    void bufferedRowsAreNeitherVisibleNorDurable() throws IOException {
        List<Rec> recs = records().subList(0, 6); // 14 rows, offsets 0,1 of each partition
        try (StreamArchive a = StreamArchive.open(tmp, options(1000))) {
            for (Rec r : recs) {
                r.append(a);
            }
            assertEquals(Map.of(), a.archivedOffsets());
            assertEquals(ids(recs).length, a.layers().get(0).bufferedRows());
            try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.all(), TestRecords.CONCEPTS)) {
                assertEquals(0, w.rows());
                assertEquals(D, w.activations().features());
            }
            assertEquals(1, a.flush().size());
            assertEquals(Map.of(new SourcePartition("acts", 0), 2L, new SourcePartition("acts", 1), 102L,
                    new SourcePartition("acts", 2), 9L), a.archivedOffsets());
            try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.all(), TestRecords.CONCEPTS)) {
                assertWindow(w, ids(recs), ts(recs), D);
            }
        }
    }

    @Test
    void rollsByAgeOnAppendAndOnFlushIfDue() throws IOException {
        ArchiveOptions o = options(1000).withMaxSegmentAge(Duration.ofSeconds(10));
        try (StreamArchive a = StreamArchive.open(tmp, o)) {
            record(MODEL, LAYER, D, 0, 0, 2, 1, true).append(a);
            record(MODEL, "other", 3, 0, 0, 1, 1, true).append(a);
            clock.advance(Duration.ofSeconds(5));
            record(MODEL, LAYER, D, 0, 1, 2, 2, true).append(a);
            assertEquals(0, a.segments(MODEL, LAYER).size());
            clock.advance(Duration.ofSeconds(5));
            // The oldest buffered row is now 10 s old: this append flushes both layers, itself included.
            record(MODEL, LAYER, D, 0, 2, 1, 3, true).append(a);
            assertEquals(1, a.segments(MODEL, LAYER).size());
            assertEquals(5, a.segments(MODEL, LAYER).get(0).rows());
            assertEquals(1, a.segments(MODEL, "other").size());
            record(MODEL, LAYER, D, 0, 3, 1, 4, true).append(a);
            assertEquals(List.of(), a.flushIfDue(clock.instant().plusSeconds(9)));
            List<SegmentInfo> due = a.flushIfDue(clock.instant().plusSeconds(10));
            assertEquals(1, due.size());
            assertEquals(4L, a.archivedOffsets().get(new SourcePartition("acts", 0)));
        }
    }

    @Test
    void recordsAreNeverSplitAcrossSegments() throws IOException {
        try (StreamArchive a = StreamArchive.open(tmp, options(5))) {
            int[] sizes = {3, 3, 2, 9, 1, 4};
            for (int k = 0; k < sizes.length; k++) {
                record(MODEL, LAYER, D, 0, k, sizes[k], k * 100L, true).append(a);
            }
            a.flush();
            List<Integer> rows = a.segments(MODEL, LAYER).stream().map(SegmentInfo::rows).toList();
            assertEquals(List.of(3, 5, 9, 5), rows);
            for (SegmentInfo s : a.segments(MODEL, LAYER)) {
                for (OffsetRange r : s.offsets()) {
                    assertTrue(r.first() <= r.last());
                }
            }
        }
    }

    @Test
    void changedFeatureCountIsRejectedNamingModelLayerAndBothD() throws IOException {
        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            record(MODEL, LAYER, D, 0, 0, 2, 0, true).append(a);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> record(MODEL, LAYER, D + 1, 0, 1, 2, 0, true).append(a));
            assertTrue(e.getMessage().contains("model '" + MODEL + "' layer '" + LAYER + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("D = " + (D + 1)) && e.getMessage().contains("D = " + D),
                    e.getMessage());
            // Another layer may have another D.
            assertTrue(record(MODEL, "fc", 3, 0, 0, 2, 0, true).append(a));
        }
        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> record(MODEL, LAYER, 5, 0, 9, 1, 0, true).append(a));
            assertTrue(e.getMessage().contains("D = 5") && e.getMessage().contains("D = " + D), e.getMessage());
        }
    }

    @Test
    void replayedRecordsAreIgnoredAndCounted() throws IOException {
        List<Rec> recs = records().subList(0, 9);
        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            for (Rec r : recs) {
                assertTrue(r.append(a));
            }
            // Same session: a record the layer already took (buffered or flushed) is a duplicate.
            assertFalse(recs.get(8).append(a));
            assertFalse(recs.get(0).append(a));
            assertEquals(2, a.ignoredAppends());
        }
        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            for (Rec r : recs) {
                assertFalse(r.append(a), "below archivedOffsets: " + r.pos());
            }
            assertEquals(9, a.ignoredAppends());
            try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.all(), TestRecords.CONCEPTS)) {
                assertWindow(w, ids(recs), ts(recs), D);
            }
        }
    }

    @Test
    void nullLabelsMeanNoConceptAndConceptCountIsChecked() throws IOException {
        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            Rec unlabelled = record(MODEL, LAYER, D, 0, 0, 3, 0, false);
            Rec labelled = record(MODEL, LAYER, D, 0, 1, 3, 0, true);
            unlabelled.append(a);
            labelled.append(a);
            a.flush();
            try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.all(), TestRecords.CONCEPTS)) {
                for (int i = 0; i < 3; i++) {
                    int[] want = TestRecords.concepts(labelled.ids()[i]);
                    for (int c = 0; c < TestRecords.CONCEPTS; c++) {
                        int concept = c;
                        assertFalse(w.labels().get(i, c), "unlabelled row " + i);
                        assertEquals(java.util.Arrays.stream(want).anyMatch(x -> x == concept),
                                w.labels().get(3 + i, c), "row " + (3 + i) + " concept " + c);
                    }
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.window(MODEL, LAYER, WindowSpec.all(), 2));
            assertTrue(e.getMessage().contains("concept index") && e.getMessage().contains(".h5"), e.getMessage());
            // Sized from the stored labels: one more than the largest concept index in the window's rows.
            int max = -1;
            for (long id : labelled.ids()) {
                for (int c : TestRecords.concepts(id)) {
                    max = Math.max(max, c);
                }
            }
            try (ArchiveWindow all = a.window(MODEL, LAYER, WindowSpec.all(), StreamArchive.CONCEPTS_FROM_LABELS);
                 ArchiveWindow none = a.window(MODEL, LAYER, WindowSpec.lastSamples(0),
                         StreamArchive.CONCEPTS_FROM_LABELS)) {
                assertEquals(max + 1, all.labels().concepts());
                assertEquals(0, none.labels().concepts());
                for (int c = 0; c <= max; c++) {
                    int concept = c;
                    assertEquals(java.util.Arrays.stream(TestRecords.concepts(labelled.ids()[0]))
                            .anyMatch(x -> x == concept), all.labels().get(3, c), "concept " + c);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> a.window(MODEL, LAYER, WindowSpec.all(), -2));
        }
    }

    @Test
    void invalidAppendsAreRejectedWithContext() throws IOException {
        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            SourceOffset pos = new SourceOffset("t", 0, 0);
            assertThrows(IllegalArgumentException.class, () -> a.append(MODEL, LAYER, new long[2], new long[2], 2, 3,
                    new float[5], null, null, pos));
            assertThrows(IllegalArgumentException.class, () -> a.append(MODEL, LAYER, new long[1], new long[1], 1, 3,
                    new float[3], new long[] {0, 2}, new int[] {1}, pos));
            assertThrows(IllegalArgumentException.class, () -> a.append(MODEL, LAYER, new long[1], new long[1], 1, 3,
                    new float[3], new long[] {0, 1}, new int[] {-1}, pos));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.append("", LAYER, new long[1], new long[1], 1, 3, new float[3], null, null, pos));
            assertTrue(e.getMessage().contains("model"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> a.window(MODEL, "nope", WindowSpec.all(), 1));
            assertEquals(List.of(), a.layers(), "rejected appends create no layer");
        }
    }

    @Test
    void awkwardNamesAreEscapedAndRoundTrip() throws IOException {
        String model = "vit/b-16";
        String[] layers = {"..", "blocks.4/attn", "_x", ".hidden", "ü%"};
        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            for (String l : layers) {
                record(model, l, 2, 0, 0, 1, 0, true).append(a);
            }
        }
        try (var ds = Files.list(tmp)) {
            List<String> names = ds.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of(".lock", "_archive.json", "vit%2Fb-16"), names);
        }
        try (var ds = Files.list(tmp.resolve("vit%2Fb-16"))) {
            List<String> names = ds.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("%2E.", "%2Ehidden", "%5Fx", "%C3%BC%25", "blocks.4%2Fattn"), names);
        }
        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            assertTrue(a.reconcileReport().isClean());
            List<String> got = a.layers().stream().map(s -> s.layer().layer()).sorted().toList();
            assertEquals(java.util.Arrays.stream(layers).sorted().toList(), got);
        }
    }

    @Test
    void secondWriterOnTheSameRootIsRefused() throws IOException {
        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            IOException e = assertThrows(IOException.class, () -> StreamArchive.open(tmp, options(4)));
            assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
        }
        StreamArchive.open(tmp, options(4)).close();
    }

    @Test
    void aFailedBackgroundWriteKeepsItsRowsAndNeverReusesItsNumber() throws IOException {
        List<Rec> recs = records();
        Path root = tmp.resolve("archive");
        Path layerDir = new LayerKey(MODEL, LAYER).directory(root);
        try (StreamArchive a = StreamArchive.open(root, options(7))) {
            assertTrue(recs.get(0).append(a));
            int k = 1;
            while (a.segments(MODEL, LAYER).isEmpty()) {
                assertTrue(recs.get(k++).append(a));
                a.awaitSegmentWrites();
            }
            // The next segment's name is taken by a directory: its background write fails at the rename.
            long blocked = a.segments(MODEL, LAYER).get(0).sequence() + 1;
            Path blocker = layerDir.resolve(String.format("seg-%06d.h5", blocked));
            Files.createDirectories(blocker.resolve("occupied"));
            IOException failure = null;
            while (failure == null && k < 40) {
                Rec r = recs.get(k++);
                try {
                    assertTrue(r.append(a));
                    a.awaitSegmentWrites();
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertNotNull(failure, "the blocked segment write never failed");
            assertTrue(failure.getMessage().contains(blocker.getFileName().toString()), failure.getMessage());
            Files.delete(blocker.resolve("occupied"));
            Files.delete(blocker);
            for (; k < recs.size(); k++) {
                assertTrue(recs.get(k).append(a));
            }
            a.flush();
            assertTrue(a.segments(MODEL, LAYER).stream().noneMatch(s -> s.sequence() == blocked),
                    "sequence " + blocked + " reused");
            try (ArchiveWindow w = a.window(MODEL, LAYER, WindowSpec.all(), TestRecords.CONCEPTS)) {
                assertWindow(w, ids(recs), ts(recs), D);
            }
        }
    }

    @Test
    void flushIfDueIsARecordBoundary() throws IOException {
        try (StreamArchive a = StreamArchive.open(tmp, options(1))) {
            record(MODEL, LAYER, D, 0, 5, 1, 0, true).append(a);
            // Written in the background: nothing durable until it is committed.
            assertNull(a.archivedOffsets().get(new SourcePartition("acts", 0)));
            assertEquals(1, a.awaitSegmentWrites().size());
            // Committed, but the record may still have other layers to come: not yet past it.
            assertEquals(5L, a.archivedOffsets().get(new SourcePartition("acts", 0)));
            a.flushIfDue(Instant.ofEpochMilli(clock.millis()));
            assertEquals(6L, a.archivedOffsets().get(new SourcePartition("acts", 0)));
        }
    }
}
