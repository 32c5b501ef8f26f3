package io.neurowatch.connectors.archive;

import static io.neurowatch.connectors.archive.TestRecords.Rec;
import static io.neurowatch.connectors.archive.TestRecords.assertWindow;
import static io.neurowatch.connectors.archive.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.state.SourcePartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crashes at every kind of point, then restart and replay from archivedOffsets as the analyzer does. */
class ArchiveRecoveryTest {
    static final String MODEL = "m";
    @TempDir
    Path tmp;

    private static ArchiveOptions options(int rowsPerSegment) {
        return ArchiveOptions.defaults().withRowsPerSegment(rowsPerSegment).withMaxSegmentAge(null)
                .withClock(new MutableClock(0));
    }

    private static List<Rec> records(String layer, int d, int count) {
        List<Rec> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int p = k % 3;
            out.add(record(MODEL, layer, d, p, k / 3, 1 + k % 3, 1000L * k, true));
        }
        return out;
    }

    private static long[] ids(List<Rec> recs) {
        return recs.stream().flatMapToLong(r -> Arrays.stream(r.ids())).toArray();
    }

    private static long[] ts(List<Rec> recs) {
        return recs.stream().flatMapToLong(r -> Arrays.stream(r.ts())).toArray();
    }

    /** What the archive would have written for these records: the low-level path, without the manifest. */
    private static void writeUnlistedSegment(Path file, List<Rec> recs) throws IOException {
        SegmentBuffer buf = new SegmentBuffer();
        for (Rec r : recs) {
            float[][] rows = new float[r.rows()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = Arrays.copyOfRange(r.values(), i * r.cols(), (i + 1) * r.cols());
            }
            buf.add(new AppendBatch(new LayerKey(r.model(), r.layer()), r.ids(), r.ts(), r.rows(), r.cols(),
                    rows, r.labelOffsets(), r.labelConcepts(), r.pos()), 0);
        }
        SegmentFiles.write(file, buf.toData(), ArchiveOptions.defaults().writeOptions().withLayer(recs.get(0).layer())
                .withModelId(MODEL));
    }

    @Test
    void segmentRenamedButNotListedIsAdoptedAndReplayArchivesNothingTwice() throws IOException {
        List<Rec> recs = records("l", 6, 30);
        Path dir = new LayerKey(MODEL, "l").directory(tmp);
        Map<SourcePartition, Long> before;
        long nextSeq;
        try (StreamArchive a = StreamArchive.open(tmp, options(5))) {
            for (Rec r : recs.subList(0, 20)) {
                r.append(a);
            }
            a.flush();
            before = a.archivedOffsets();
            List<SegmentInfo> segs = a.segments(MODEL, "l");
            nextSeq = segs.get(segs.size() - 1).sequence() + 1;
        }
        // The crash: the next segment (records 20..23) was renamed into place, the manifest was not rewritten.
        Path orphan = dir.resolve(String.format("seg-%06d.h5", nextSeq));
        writeUnlistedSegment(orphan, recs.subList(20, 24));
        Path temp = dir.resolve(".seg-000099.h5.0123.tmp");
        Files.write(temp, new byte[] {1, 2, 3});

        try (StreamArchive a = StreamArchive.open(tmp, options(5))) {
            ReconcileReport rep = a.reconcileReport();
            assertEquals(List.of(orphan), rep.adopted());
            assertEquals(List.of(), rep.deleted());
            assertEquals(List.of(), rep.duplicates());
            assertFalse(Files.exists(temp), "temp file of an unfinished write is removed");
            // The frontier was not advanced by the crashed flush: it lags, which is safe.
            assertEquals(before, a.archivedOffsets());
            assertEquals(orphan, a.segments(MODEL, "l").get(a.segments(MODEL, "l").size() - 1).file());
            int taken = 0;
            for (Rec r : recs.subList(20, 30)) {
                if (r.pos().offset() >= a.archivedOffsets().getOrDefault(r.pos().sourcePartition(), 0L)) {
                    boolean t = r.append(a);
                    assertEquals(recs.indexOf(r) >= 24, t, "record " + r.pos() + " taken");
                    taken += t ? 1 : 0;
                }
            }
            assertEquals(6, taken);
            assertEquals(4, a.ignoredAppends());
        }
        try (StreamArchive a = StreamArchive.open(tmp, options(5))) {
            assertTrue(a.reconcileReport().isClean(), a.reconcileReport().toString());
            try (ArchiveWindow w = a.window(MODEL, "l", WindowSpec.all(), TestRecords.CONCEPTS)) {
                assertWindow(w, ids(recs), ts(recs), 6);
            }
            assertEquals(Map.of(new SourcePartition("acts", 0), 10L, new SourcePartition("acts", 1), 10L,
                    new SourcePartition("acts", 2), 10L), a.archivedOffsets());
        }
    }

    @Test
    void leftoversAreDeletedAndUnreadableFilesQuarantined() throws IOException {
        List<Rec> recs = records("l", 4, 18);
        Path dir = new LayerKey(MODEL, "l").directory(tmp);
        Path backup = tmp.resolve("backup.h5");
        List<SegmentInfo> segs;
        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            for (Rec r : recs) {
                r.append(a);
            }
            a.flush();
            segs = a.segments(MODEL, "l");
            Files.copy(segs.get(0).file(), backup);
            // Retention unlists then deletes; a crash in between leaves the file (restored from the backup here).
            a.applyRetention(RetentionPolicy.maxTotalBytes(a.bytesOnDisk() - 1));
        }
        Path retentionLeftover = segs.get(0).file();
        Files.copy(backup, retentionLeftover);
        // A copy of listed rows under a fresh number: rows already held.
        Path duplicate = dir.resolve("seg-000777.h5");
        Files.copy(segs.get(3).file(), duplicate, StandardCopyOption.REPLACE_EXISTING);
        Path garbage = dir.resolve("seg-000900.h5");
        Files.write(garbage, "not hdf5".getBytes());

        try (StreamArchive a = StreamArchive.open(tmp, options(4))) {
            ReconcileReport rep = a.reconcileReport();
            assertEquals(Set.of(retentionLeftover, duplicate), new HashSet<>(rep.deleted()));
            assertEquals(List.of(dir.resolve("seg-000900.h5.rejected")), rep.quarantined());
            assertEquals(List.of(), rep.adopted());
            assertFalse(Files.exists(retentionLeftover));
            assertFalse(Files.exists(duplicate));
            long firstKept = a.segments(MODEL, "l").get(0).sequence();
            assertEquals(segs.get(1).sequence(), firstKept);
            try (ArchiveWindow w = a.window(MODEL, "l", WindowSpec.all(), TestRecords.CONCEPTS)) {
                long[] all = ids(recs);
                long[] allTs = ts(recs);
                int skip = segs.get(0).rows();
                assertWindow(w, Arrays.copyOfRange(all, skip, all.length), Arrays.copyOfRange(allTs, skip, all.length),
                        4);
            }
            // A new segment number is past every file ever seen, so the rejected name is never reused either.
            record(MODEL, "l", 4, 0, 100, 4, 0, true).append(a);
            a.awaitSegmentWrites();
            assertTrue(a.segments(MODEL, "l").get(a.segments(MODEL, "l").size() - 1).sequence() > 900);
        }
    }

    @Test
    void duplicateSampleIdsAcrossSegmentsAreReported() throws IOException {
        try (StreamArchive a = StreamArchive.open(tmp, options(2))) {
            record(MODEL, "l", 3, 0, 0, 2, 0, true).append(a);
            // Another record (offset) reusing the same sample ids, as a misbehaving producer would.
            Rec same = record(MODEL, "l", 3, 0, 0, 2, 0, true);
            new Rec(MODEL, "l", 3, new io.neurowatch.core.state.SourceOffset("acts", 1, 0), same.ids(), same.ts(),
                    same.labelOffsets(), same.labelConcepts(), same.values()).append(a);
        }
        try (StreamArchive a = StreamArchive.open(tmp, options(2))) {
            List<DuplicateSampleIds> dups = a.reconcileReport().duplicates();
            assertEquals(1, dups.size());
            assertEquals(new LayerKey(MODEL, "l"), dups.get(0).layer());
            assertEquals(2, dups.get(0).duplicatedIds());
            assertEquals(List.of(0L, 1L), dups.get(0).examples());
            assertEquals(2, dups.get(0).files().size());
        }
    }

    /**
     * Two layers with different segment sizes; some records have rows for one layer only; the consumer declares a
     * boundary (flush) every 7 records. For every crash point in the sequence of appends (including between the two
     * layers of one record) the restarted consumer replays from archivedOffsets, and every layer ends up with each
     * of its sample ids exactly once, per partition in offset order.
     */
    @Test
    void crashAtEveryAppendThenReplayArchivesEveryRowExactlyOncePerLayer() throws IOException {
        int count = 27;
        List<List<Rec>> byRecord = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int p = k % 3;
            long off = k / 3;
            List<Rec> layers = new ArrayList<>();
            layers.add(record(MODEL, "a", 5, p, off, 1 + k % 3, 1000L * k, true));
            if (k % 5 != 0) {
                layers.add(record(MODEL, "b", 3, p, off, 1 + k % 2, 1000L * k, true));
            }
            byRecord.add(layers);
        }
        int appends = byRecord.stream().mapToInt(List::size).sum();
        for (int crashAt = 0; crashAt <= appends; crashAt++) {
            Path root = tmp.resolve("crash-" + crashAt);
            StreamArchive first = StreamArchive.open(root, options(4));
            int done = 0;
            outer:
            for (int k = 0; k < count; k++) {
                for (Rec r : byRecord.get(k)) {
                    if (done == crashAt) {
                        break outer;
                    }
                    first.append(r.model(), r.layer(), r.ids(), r.ts(), r.rows(), r.cols(), r.values(),
                            r.labelOffsets(), r.labelConcepts(), r.pos());
                    done++;
                }
                if (k % 7 == 6) {
                    first.flush();
                }
            }
            first.crash();

            try (StreamArchive second = StreamArchive.open(root, options(9))) {
                Map<SourcePartition, Long> from = second.archivedOffsets();
                for (List<Rec> layers : byRecord) {
                    Rec r0 = layers.get(0);
                    if (r0.pos().offset() < from.getOrDefault(r0.pos().sourcePartition(), 0L)) {
                        continue; // the analyzer seeks past these
                    }
                    for (Rec r : layers) {
                        r.append(second);
                    }
                }
            }
            try (StreamArchive check = StreamArchive.open(root, options(4))) {
                assertTrue(check.reconcileReport().isClean(), "crash at " + crashAt + ": " + check.reconcileReport());
                for (String layer : List.of("a", "b")) {
                    List<Rec> expected = new ArrayList<>();
                    for (List<Rec> layers : byRecord) {
                        for (Rec r : layers) {
                            if (r.layer().equals(layer)) {
                                expected.add(r);
                            }
                        }
                    }
                    try (ArchiveWindow w = check.window(MODEL, layer, WindowSpec.all(), TestRecords.CONCEPTS)) {
                        long[] got = w.sampleIds();
                        long[] want = ids(expected);
                        long[] sortedGot = got.clone();
                        Arrays.sort(sortedGot);
                        Arrays.sort(want);
                        assertEquals(Arrays.toString(want), Arrays.toString(sortedGot),
                                "crash at " + crashAt + ", layer " + layer + ": every id exactly once");
                        Map<Long, Long> lastPerPartition = new HashMap<>();
                        for (long id : got) {
                            long p = id / 1_000_000L;
                            Long prev = lastPerPartition.put(p, id);
                            assertTrue(prev == null || prev < id, "crash at " + crashAt + ": partition order");
                        }
                        // Values and labels follow the ids wherever they ended up.
                        long[] ts = new long[got.length];
                        for (int i = 0; i < got.length; i++) {
                            long id = got[i];
                            long off = (id % 1_000_000L) / 10;
                            int p = (int) (id / 1_000_000L);
                            ts[i] = 1000L * (off * 3 + p) + id % 10;
                        }
                        assertWindow(w, got, ts, layer.equals("a") ? 5 : 3);
                    }
                }
                for (int p = 0; p < 3; p++) {
                    assertEquals(9L, check.archivedOffsets().get(new SourcePartition("acts", p)));
                }
            }
        }
    }

    @Test
    void appendOfAnOlderOffsetAfterABoundaryIsTreatedAsArchived() throws IOException {
        try (StreamArchive a = StreamArchive.open(tmp, options(1))) {
            assertTrue(record(MODEL, "a", 2, 0, 3, 1, 0, true).append(a));
            a.flush();
            assertEquals(4L, a.archivedOffsets().get(new SourcePartition("acts", 0)));
            // The caller broke the contract (a layer of record 3 after the boundary): not archived, counted.
            assertFalse(record(MODEL, "b", 2, 0, 3, 1, 0, true).append(a));
            assertEquals(1, a.ignoredAppends());
            assertNull(a.layers().stream().filter(l -> l.layer().layer().equals("b")).findFirst().orElse(null));
        }
    }
}
