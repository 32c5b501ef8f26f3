package io.neurowatch.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.LabelMatrix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;

/** Against a real RocksDB in a temporary directory. */
class StatisticsStoreTest {
    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z, an hour boundary
    private static final String TOPIC = "activations";

    @TempDir
    Path dir;

    @Test
    void quantilesOver100kValuesInSeveralBucketsWithinRankError() throws IOException {
        float[] all = new float[100_000];
        Random rnd = new Random(11);
        try (StatisticsStore store = open()) {
            for (int b = 0; b < 100; b++) {
                float[][] rows = new float[1000][1];
                for (int i = 0; i < 1000; i++) {
                    rows[i][0] = (float) (rnd.nextGaussian() * 2 + 1);
                    all[b * 1000 + i] = rows[i][0];
                }
                // Four hours: reads merge four bucket sketches.
                store.apply(StatisticsUpdate.of(LayerBatch.of("m", "l", T0 + (b / 25) * HOUR, rows)),
                        List.of(new SourceOffset(TOPIC, 0, b)));
            }
            assertEquals(4, store.bucketStarts().size());
            assertEquals(100_000, store.count("m", "l", 0));
            NeuronSketchTest.assertQuantilesWithinBound(all, store.sketch("m", "l", 0));
            double[] q = store.quantiles("m", "l", 0, 0.0, 1.0);
            assertEquals(min(all), q[0]);
            assertEquals(max(all), q[1]);
        }
    }

    @Test
    void aurocMatchesExactMidrankWithinReportedBound() throws IOException {
        Random rnd = new Random(12);
        List<List<Double>> pos = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<Double>> neg = List.of(new ArrayList<>(), new ArrayList<>());
        try (StatisticsStore store = open()) {
            for (int b = 0; b < 40; b++) {
                int rows = 500;
                float[][] acts = new float[rows][2];
                LabelMatrix.Builder labels = LabelMatrix.builder(rows, 1);
                for (int i = 0; i < rows; i++) {
                    boolean positive = rnd.nextDouble() < 0.3;
                    if (positive) {
                        labels.set(i, 0);
                    }
                    acts[i][0] = (float) (rnd.nextGaussian() + (positive ? 0.8 : 0));
                    acts[i][1] = (float) Math.max(0, rnd.nextGaussian() + (positive ? 0.4 : -0.2)); // ReLU
                    for (int j = 0; j < 2; j++) {
                        (positive ? pos : neg).get(j).add((double) acts[i][j]);
                    }
                }
                store.apply(StatisticsUpdate.of(LayerBatch.of("m", "l", timestamps(rows, T0 + b * 60_000L), acts,
                        List.of("sky"), labels.build())), List.of(new SourceOffset(TOPIC, 0, b)));
            }
            for (int j = 0; j < 2; j++) {
                double exact = ExactAuroc.of(toArray(pos.get(j)), toArray(neg.get(j)));
                AurocEstimate est = store.auroc("m", "l", j, "sky");
                assertEquals(pos.get(j).size(), est.positives());
                assertEquals(neg.get(j).size(), est.negatives());
                assertTrue(Math.abs(est.auroc() - exact) <= est.errorBound() + 1e-12,
                        "neuron " + j + ": " + est + " vs exact " + exact);
                assertTrue(est.errorBound() < 0.015, "neuron " + j + ": bound too loose: " + est);
            }
            ConceptCounts counts = store.conceptCounts("m", "l", "sky");
            assertEquals(20_000, counts.samples());
            assertEquals(pos.get(0).size(), counts.positives());
            assertFalse(Double.isNaN(store.auroc("m", "l", 0, "sky").auroc()));
            assertTrue(Double.isNaN(store.auroc("m", "l", 0, "water").auroc()));
        }
    }

    @Test
    void lateLabelsReachTheHistogramsAndCountersButNotTheSketches() throws IOException {
        Random rnd = new Random(15);
        int rows = 2000;
        float[][] acts = new float[rows][1];
        long[] ts = timestamps(rows, T0);
        LabelMatrix.Builder labels = LabelMatrix.builder(rows, 1);
        List<Double> pos = new ArrayList<>();
        List<Double> neg = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            boolean positive = rnd.nextDouble() < 0.25;
            acts[i][0] = (float) (rnd.nextGaussian() + (positive ? 1.0 : 0));
            if (positive) {
                labels.set(i, 0);
            }
            (positive ? pos : neg).add((double) acts[i][0]);
        }
        try (StatisticsStore store = open()) {
            // The activations arrive unlabelled, the labels later from another partition.
            store.apply(StatisticsUpdate.of(LayerBatch.of("m", "l", ts, acts, List.of(), null)),
                    List.of(new SourceOffset(TOPIC, 0, 0)));
            byte[] sketch = store.sketch("m", "l", 0).toBytes();
            store.apply(StatisticsUpdate.of(LayerBatch.lateLabels("m", "l", ts, acts, List.of("sky"),
                    labels.build())), List.of(new SourceOffset("annotations", 0, 0)));
            assertArrayEquals(sketch, store.sketch("m", "l", 0).toBytes(), "late labels changed the sketch");
            assertEquals(rows, store.count("m", "l", 0));
            AurocEstimate est = store.auroc("m", "l", 0, "sky");
            assertEquals(pos.size(), est.positives());
            assertEquals(neg.size(), est.negatives());
            double exact = ExactAuroc.of(toArray(pos), toArray(neg));
            assertTrue(Math.abs(est.auroc() - exact) <= est.errorBound() + 1e-12, est + " vs exact " + exact);
            assertEquals(rows, store.conceptCounts("m", "l", "sky").samples());
            assertEquals(Map.of(new SourcePartition(TOPIC, 0), 1L, new SourcePartition("annotations", 0), 1L),
                    store.committedOffsets());
        }
        assertThrows(IllegalArgumentException.class,
                () -> LayerBatch.lateLabels("m", "l", ts, acts, List.of(), null));
    }

    @Test
    void reopenGivesTheSameStatisticsAndOffsets() throws IOException {
        double[] quantiles;
        AurocEstimate auroc;
        try (StatisticsStore store = open()) {
            applyRandom(store, 0, 10, new Random(13));
            quantiles = store.quantiles("m", "l", 2, 0.1, 0.5, 0.9);
            auroc = store.auroc("m", "l", 2, "c0");
        }
        try (StatisticsStore store = open()) {
            assertArrayEquals(quantiles, store.quantiles("m", "l", 2, 0.1, 0.5, 0.9));
            assertEquals(auroc, store.auroc("m", "l", 2, "c0"));
            assertEquals(Map.of(new SourcePartition(TOPIC, 0), 10L), store.committedOffsets());
            assertEquals(List.of("m"), store.models());
            assertEquals(List.of("l"), store.layers("m"));
            assertEquals(List.of(0, 1, 2, 3), store.neurons("m", "l"));
            assertEquals(List.of("c0", "c1"), store.concepts("m", "l"));
        }
    }

    @Test
    void offsetsZeroTo99GiveCommittedOffset100AndExactCounts() throws IOException {
        try (StatisticsStore store = open()) {
            applyRandom(store, 0, 100, new Random(14));
            // Partition 1 advances without statistics: a record that carried none.
            store.apply(StatisticsUpdate.empty(), List.of(new SourceOffset(TOPIC, 1, 41)));
        }
        try (StatisticsStore store = open()) {
            assertEquals(Map.of(new SourcePartition(TOPIC, 0), 100L, new SourcePartition(TOPIC, 1), 42L),
                    store.committedOffsets());
            for (int j = 0; j < 4; j++) {
                assertEquals(100 * 16, store.count("m", "l", j));
            }
            assertEquals(100 * 16, store.conceptCounts("m", "l", "c0").samples());

            // Re-applying a committed offset is refused and changes nothing.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> applyRandom(store, 50, 51, new Random(1)));
            assertTrue(e.getMessage().startsWith(StatisticsStore.ALREADY_APPLIED_MESSAGE), e.getMessage());
            assertEquals(100 * 16, store.count("m", "l", 0));
            assertEquals(100L, store.committedOffsets().get(new SourcePartition(TOPIC, 0)));
        }
    }

    @Test
    void droppingOldBucketsForgetsTheirData() throws IOException {
        try (StatisticsStore store = open()) {
            for (int h = 0; h < 5; h++) {
                float[][] rows = new float[10][1];
                for (float[] r : rows) {
                    r[0] = h; // hour h holds only the value h
                }
                store.apply(StatisticsUpdate.of(LayerBatch.of("m", "l", T0 + h * HOUR + 5, rows)),
                        List.of(new SourceOffset(TOPIC, 0, h)));
            }
            assertEquals(50, store.count("m", "l", 0));
            // T0 + 2.5 h: hours 0 and 1 end before it, hour 2 straddles it and stays.
            assertEquals(2, store.dropBucketsBefore(T0 + 2 * HOUR + HOUR / 2));
            assertEquals(List.of(T0 + 2 * HOUR, T0 + 3 * HOUR, T0 + 4 * HOUR), store.bucketStarts());
            assertEquals(30, store.count("m", "l", 0));
            assertArrayEquals(new double[] {2, 4}, store.quantiles("m", "l", 0, 0, 1));
            assertEquals(0, store.dropBucketsBefore(T0));
            assertEquals(List.of(0), store.neurons("m", "l"));
            assertEquals(5L, store.committedOffsets().get(new SourcePartition(TOPIC, 0)));

            // Hour 4 sits in the writer's cache: dropping it must not let the cache resurrect its old sketch.
            assertEquals(3, store.dropBucketsBefore(T0 + 5 * HOUR));
            store.apply(StatisticsUpdate.of(LayerBatch.of("m", "l", T0 + 4 * HOUR + 7, new float[][] {{9}})),
                    List.of(new SourceOffset(TOPIC, 0, 5)));
            assertEquals(1, store.count("m", "l", 0));
        }
        try (StatisticsStore store = open()) {
            assertEquals(1, store.count("m", "l", 0));
            assertEquals(List.of(T0 + 4 * HOUR), store.bucketStarts());
            assertEquals(6L, store.committedOffsets().get(new SourcePartition(TOPIC, 0)));
        }
    }

    @Test
    void deleteLayerForgetsStatisticsAndEdgesButKeepsOffsets() throws IOException {
        try (StatisticsStore store = open()) {
            applyRandom(store, 0, 5, new Random(15));
            store.apply(StatisticsUpdate.of(LayerBatch.of("m", "other", T0, new float[][] {{1}})), List.of());
            store.deleteLayer("m", "l");
            assertEquals(0, store.count("m", "l", 0));
            assertTrue(store.binEdges("m", "l", 0).isEmpty());
            assertEquals(ConceptCounts.NONE, store.conceptCounts("m", "l", "c0"));
            assertEquals(List.of("other"), store.layers("m"));
            assertEquals(1, store.count("m", "other", 0));
            assertEquals(5L, store.committedOffsets().get(new SourcePartition(TOPIC, 0)));

            // New data fixes new edges from its own first batch.
            store.apply(StatisticsUpdate.of(LayerBatch.of("m", "l", T0, new float[][] {{100}, {200}})), List.of());
            assertArrayEquals(new double[] {100, 200}, store.binEdges("m", "l", 0).orElseThrow().edges());
            assertEquals(2, store.count("m", "l", 0));
        }
    }

    @Test
    void everyCallAfterCloseThrowsAndCloseIsIdempotent() throws IOException {
        StatisticsStore store = open();
        store.close();
        assertDoesNotThrow(store::close);
        List<Consumer<StatisticsStore>> calls = List.of(
                s -> s.apply(StatisticsUpdate.empty(), List.of()),
                StatisticsStore::committedOffsets,
                s -> s.quantiles("m", "l", 0, 0.5),
                s -> s.count("m", "l", 0),
                s -> s.auroc("m", "l", 0, "c"),
                s -> s.conceptCounts("m", "l", "c"),
                StatisticsStore::models,
                s -> s.layers("m"),
                s -> s.neurons("m", "l"),
                s -> s.concepts("m", "l"),
                StatisticsStore::bucketStarts,
                s -> s.dropBucketsBefore(0),
                s -> s.deleteLayer("m", "l"),
                s -> s.binEdges("m", "l", 0));
        for (Consumer<StatisticsStore> call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> call.accept(store));
            assertEquals(StatisticsStore.CLOSED_MESSAGE + dir, e.getMessage());
        }
    }

    @Test
    void secondOpenOfTheSamePathNamesThePath() throws IOException {
        try (StatisticsStore store = open()) {
            IOException e = assertThrows(IOException.class, this::open);
            assertTrue(e.getMessage().startsWith("Error opening statistics store at " + dir + ": "), e.getMessage());
        }
    }

    @Test
    void refusesAnotherBucketLengthOrFormatVersion() throws Exception {
        open().close();
        IOException e = assertThrows(IOException.class,
                () -> StatisticsStore.open(dir, StatisticsStoreConfig.defaults().withBucketMillis(60_000)));
        assertTrue(e.getMessage().contains("bucketMillis=3600000"), e.getMessage());

        overwriteFormatVersion(99);
        e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().startsWith("Error opening statistics store at " + dir + ": format version 99"),
                e.getMessage());
    }

    @Test
    void nanActivationsAreNotCounted() throws IOException {
        try (StatisticsStore store = open()) {
            float[][] rows = {{Float.NaN, 1}, {Float.NaN, 2}};
            store.apply(StatisticsUpdate.of(LayerBatch.of("m", "l", new long[] {T0, T0}, rows, List.of("c"),
                    LabelMatrix.fromDense(new boolean[][] {{true}, {false}}, 1))), List.of());
            assertEquals(0, store.count("m", "l", 0));
            assertTrue(store.binEdges("m", "l", 0).isEmpty());
            assertEquals(List.of(0, 1), store.neurons("m", "l"));
            store.apply(StatisticsUpdate.of(LayerBatch.of("m", "l", T0, new float[][] {{5, 3}})), List.of());
            assertArrayEquals(new double[] {5}, store.binEdges("m", "l", 0).orElseThrow().edges());
            assertEquals(new AurocEstimate(0.0, 0.0, 1, 1), store.auroc("m", "l", 1, "c"));
        }
    }

    @Test
    void storageFiguresGrowWithDataAndSurviveAReopen() throws IOException {
        StorageFigures empty;
        try (StatisticsStore store = open()) {
            empty = store.storageFigures();
            applyRandom(store, 0, 50, new Random(3));
            StorageFigures written = store.storageFigures();
            assertTrue(written.memtableBytes() > empty.memtableBytes(), written + " vs " + empty);
            assertTrue(written.estimatedKeys() > empty.estimatedKeys(), written + " vs " + empty);
            store.close();
            assertThrows(IllegalStateException.class, store::storageFigures);
        }
        try (StatisticsStore store = open()) {
            // Reopening replays the log into memtables; once flushed to SST files the data is counted there.
            StorageFigures reopened = store.storageFigures();
            assertTrue(reopened.sstFilesBytes() + reopened.memtableBytes() > 0, reopened.toString());
            assertTrue(reopened.blockCacheBytes() >= 0 && reopened.liveDataBytes() >= 0, reopened.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private StatisticsStore open() throws IOException {
        return StatisticsStore.open(dir, StatisticsStoreConfig.defaults());
    }

    /** Batches for offsets [from, to): 16 samples, 4 neurons, concepts c0 and c1, ten minutes apart. */
    private static void applyRandom(StatisticsStore store, int from, int to, Random rnd) {
        for (int o = from; o < to; o++) {
            float[][] acts = new float[16][4];
            LabelMatrix.Builder labels = LabelMatrix.builder(16, 2);
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 4; j++) {
                    acts[i][j] = (float) rnd.nextGaussian();
                }
                for (int c = 0; c < 2; c++) {
                    if (rnd.nextBoolean()) {
                        labels.set(i, c);
                    }
                }
            }
            store.apply(StatisticsUpdate.of(LayerBatch.of("m", "l", timestamps(16, T0 + o * 600_000L), acts,
                    List.of("c0", "c1"), labels.build())), List.of(new SourceOffset(TOPIC, 0, o)));
        }
    }

    private void overwriteFormatVersion(int version) throws Exception {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (String name : List.of(Families.META, Families.OFFSETS, Families.CATALOG, Families.SKETCHES,
                Families.HISTOGRAMS)) {
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8)));
        }
        try (org.rocksdb.ColumnFamilyOptions summing = new org.rocksdb.ColumnFamilyOptions()
                .setMergeOperatorName("uint64add")) {
            descriptors.add(new ColumnFamilyDescriptor(Families.COUNTERS.getBytes(StandardCharsets.UTF_8), summing));
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (RocksDB db = RocksDB.open(dir.toString(), descriptors, handles)) {
                db.put(handles.get(1), new byte[] {KeyCodec.META_FORMAT}, KeyCodec.int32(version));
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
    }

    private static long[] timestamps(int n, long t) {
        long[] ts = new long[n];
        java.util.Arrays.fill(ts, t);
        return ts;
    }

    private static double[] toArray(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double min(float[] a) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : a) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static double max(float[] a) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
