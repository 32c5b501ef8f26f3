package io.neurowatch.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.LabelMatrix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/** Staging on several threads must write what staging on one thread writes. */
class StatisticsStoreStagingTest {
    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final String TOPIC = "activations";
    private static final List<String> FAMILIES = List.of(Families.META, Families.OFFSETS, Families.CATALOG,
            Families.SKETCHES, Families.HISTOGRAMS, Families.COUNTERS);

    /** model, layer, width. */
    private record Layer(String model, String layer, int width) {
    }

    private static final List<Layer> LAYERS = List.of(new Layer("m", "wide", 37), new Layer("m", "narrow", 3),
            new Layer("m2", "one", 1));
    /** Only NaN in the first updates, so its edges come from a later batch than its first. */
    private static final int LATE_EDGES_NEURON = 2;
    /** Always NaN: never gets edges or histograms. */
    private static final int NAN_NEURON = 5;

    @TempDir
    Path dir;

    @Test
    void fourThreadsWriteByteIdenticalStatisticsToOneThread() throws Exception {
        StatisticsStoreConfig base = StatisticsStoreConfig.defaults().withHistogramQuantiles(16)
                .withSyncWrites(false);
        List<StatisticsUpdate> updates = randomUpdates(new Random(31), 40, 40);
        Truth truth = new Truth(updates);

        Path one = dir.resolve("one");
        Path four = dir.resolve("four");
        applyAll(one, base.withStagingThreads(1), updates);
        applyAll(four, base.withStagingThreads(4), updates);

        Map<String, Map<String, String>> a = dump(one);
        Map<String, Map<String, String>> b = dump(four);
        for (String family : FAMILIES) {
            assertSameEntries(family, a.get(family), b.get(family));
        }
        assertTrue(a.get(Families.SKETCHES).size() > 100, "sketches written: " + a.get(Families.SKETCHES).size());
        assertTrue(a.get(Families.HISTOGRAMS).size() > 100, "histograms: " + a.get(Families.HISTOGRAMS).size());

        try (StatisticsStore s1 = StatisticsStore.open(one, base.withStagingThreads(1));
                StatisticsStore s4 = StatisticsStore.open(four, base.withStagingThreads(4))) {
            assertEquals(s1.bucketStarts(), s4.bucketStarts());
            assertTrue(s1.bucketStarts().size() >= 5, "buckets: " + s1.bucketStarts());
            assertEquals(s1.committedOffsets(), s4.committedOffsets());
            for (Layer l : LAYERS) {
                assertEquals(s1.neurons(l.model(), l.layer()), s4.neurons(l.model(), l.layer()));
                List<String> concepts = s1.concepts(l.model(), l.layer());
                assertEquals(concepts, s4.concepts(l.model(), l.layer()));
                for (String c : concepts) {
                    ConceptCounts counts = s4.conceptCounts(l.model(), l.layer(), c);
                    assertEquals(s1.conceptCounts(l.model(), l.layer(), c), counts);
                    assertEquals(truth.samples(l, c), counts.samples(), l + " " + c);
                    assertEquals(truth.positives(l, c), counts.positives(), l + " " + c);
                }
                for (int j = 0; j < l.width(); j++) {
                    assertArrayEquals(s1.sketch(l.model(), l.layer(), j).toBytes(),
                            s4.sketch(l.model(), l.layer(), j).toBytes(), l + " neuron " + j);
                    assertArrayEquals(s1.quantiles(l.model(), l.layer(), j, 0, 0.1, 0.5, 0.9, 1),
                            s4.quantiles(l.model(), l.layer(), j, 0, 0.1, 0.5, 0.9, 1), l + " neuron " + j);
                    assertEquals(truth.count(l, j), s4.count(l.model(), l.layer(), j), l + " neuron " + j);
                    Optional<BinEdges> edges = s4.binEdges(l.model(), l.layer(), j);
                    assertEquals(s1.binEdges(l.model(), l.layer(), j).map(BinEdges::toBytes).map(HexFormat.of()::formatHex),
                            edges.map(BinEdges::toBytes).map(HexFormat.of()::formatHex));
                    assertEquals(l.width() <= NAN_NEURON || j != NAN_NEURON, edges.isPresent(), l + " " + j);
                    for (String c : concepts) {
                        Optional<ConceptHistogram> h1 = s1.histogram(l.model(), l.layer(), j, c);
                        Optional<ConceptHistogram> h4 = s4.histogram(l.model(), l.layer(), j, c);
                        assertEquals(h1.isPresent(), h4.isPresent());
                        if (h1.isPresent()) {
                            assertArrayEquals(h1.get().toBytes(), h4.get().toBytes(), l + " " + j + " " + c);
                            assertEquals(s1.auroc(l.model(), l.layer(), j, c), s4.auroc(l.model(), l.layer(), j, c));
                        }
                    }
                }
            }
        }
    }

    @Test
    void largeSketchesAreByteIdenticalAndWithinTheBoundOnFourThreads() throws Exception {
        StatisticsStoreConfig base = StatisticsStoreConfig.defaults().withSyncWrites(false);
        Random rnd = new Random(32);
        List<StatisticsUpdate> updates = new ArrayList<>();
        Layer layer = new Layer("m", "l", 16);
        Map<Integer, List<Float>> values = new HashMap<>();
        for (int u = 0; u < 12; u++) {
            List<LayerBatch> batches = new ArrayList<>();
            for (int b = 0; b < 2; b++) {
                LayerBatch lb = randomBatch(rnd, layer, layer.width(), 256, T0 + u * 15 * 60_000L, List.of("a"), 0, false);
                for (int r = 0; r < lb.rows(); r++) {
                    for (int j = 0; j < layer.width(); j++) {
                        if (!Float.isNaN(lb.value(r, j))) {
                            values.computeIfAbsent(j, x -> new ArrayList<>()).add(lb.value(r, j));
                        }
                    }
                }
                batches.add(lb);
            }
            updates.add(StatisticsUpdate.of(batches));
        }
        Path one = dir.resolve("one");
        Path four = dir.resolve("four");
        applyAll(one, base.withStagingThreads(1), updates);
        applyAll(four, base.withStagingThreads(4), updates);

        Map<String, Map<String, String>> a = dump(one);
        Map<String, Map<String, String>> b = dump(four);
        for (String family : FAMILIES) {
            assertSameEntries(family, a.get(family), b.get(family));
        }
        try (StatisticsStore s1 = StatisticsStore.open(one, base);
                StatisticsStore s4 = StatisticsStore.open(four, base)) {
            for (int j = 0; j < layer.width(); j++) {
                if (j == NAN_NEURON) {
                    assertEquals(0, s4.count("m", "l", j));
                    continue;
                }
                float[] exact = toArray(values.get(j));
                assertTrue(exact.length > 1000, "too few values: " + exact.length);
                for (StatisticsStore s : List.of(s1, s4)) {
                    NeuronSketch sketch = s.sketch("m", "l", j);
                    assertEquals(exact.length, sketch.count());
                    NeuronSketchTest.assertQuantilesWithinBound(exact, sketch);
                }
                assertArrayEquals(s1.quantiles("m", "l", j, 0, 1), s4.quantiles("m", "l", j, 0, 1));
            }
        }
    }

    @Test
    void stagingThreadsDefaultToTheProcessorsAndRejectNonsense() {
        assertEquals(Math.min(Runtime.getRuntime().availableProcessors(), StatisticsStoreConfig.MAX_STAGING_THREADS),
                StatisticsStoreConfig.defaults().stagingThreads());
        assertEquals(3, StatisticsStoreConfig.defaults().withStagingThreads(3).withSketchPrecisionBits(7).stagingThreads());
        assertThrows(IllegalArgumentException.class, () -> StatisticsStoreConfig.defaults().withStagingThreads(0));
        assertThrows(IllegalArgumentException.class, () -> StatisticsStoreConfig.defaults()
                .withStagingThreads(StatisticsStoreConfig.MAX_STAGING_THREADS + 1));
    }

    @Test
    void closeStopsTheWorkersItStarted() throws Exception {
        Path path = dir.resolve("workers-" + System.nanoTime());
        String suffix = " " + path.getFileName();
        try (StatisticsStore store = StatisticsStore.open(path, StatisticsStoreConfig.defaults()
                .withStagingThreads(3))) {
            store.apply(StatisticsUpdate.of(randomBatch(new Random(33), LAYERS.get(0), 37, 10, T0, List.of("a"), 0, true)),
                    List.of());
            assertEquals(2, workers(suffix), "two workers beside the applying thread");
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (workers(suffix) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, workers(suffix));
    }

    // ---------------------------------------------------------------------------------------------------------

    private static long workers(String suffix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("statistics-staging-")
                        && t.getName().endsWith(suffix))
                .count();
    }

    /**
     * {@code count} updates of one to four batches over {@link #LAYERS} (a layer may repeat within an update, and
     * the wide one sometimes comes narrower), rows spread over up to three hour buckets, some late, random concept
     * subsets, 10% NaN, plus an empty update.
     */
    private static List<StatisticsUpdate> randomUpdates(Random rnd, int count, int maxRows) {
        List<StatisticsUpdate> out = new ArrayList<>();
        List<String> allConcepts = List.of("a", "b", "c");
        for (int u = 0; u < count; u++) {
            if (u == count / 2) {
                out.add(StatisticsUpdate.empty());
                continue;
            }
            List<LayerBatch> batches = new ArrayList<>();
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                Layer l = LAYERS.get(rnd.nextInt(LAYERS.size()));
                int width = l.width() > 30 && rnd.nextInt(5) == 0 ? 30 : l.width();
                List<String> concepts = new ArrayList<>();
                for (String c : allConcepts) {
                    if (rnd.nextInt(3) > 0) {
                        concepts.add(c);
                    }
                }
                batches.add(randomBatch(rnd, l, width, 1 + rnd.nextInt(maxRows), T0 + u * 20 * 60_000L, concepts,
                        u < count / 4 ? 1 : 0, true));
            }
            out.add(StatisticsUpdate.of(batches));
        }
        return out;
    }

    /**
     * Rows timed from 70 minutes before to 10 minutes after {@code t}; ReLU-like values (many exact zeros, which
     * exercise the point bins) or, for rank checks that count ties as below, Gaussian ones.
     */
    private static LayerBatch randomBatch(Random rnd, Layer l, int width, int rows, long t, List<String> concepts,
            int lateEdges, boolean relu) {
        float[][] acts = new float[rows][width];
        long[] ts = new long[rows];
        LabelMatrix.Builder labels = LabelMatrix.builder(rows, concepts.size());
        for (int r = 0; r < rows; r++) {
            ts[r] = t + rnd.nextInt((int) (80 * 60_000L)) - 70 * 60_000L;
            for (int j = 0; j < width; j++) {
                boolean nan = rnd.nextInt(10) == 0 || j == NAN_NEURON || (lateEdges > 0 && j == LATE_EDGES_NEURON);
                double v = rnd.nextGaussian() + j * 0.1;
                acts[r][j] = nan ? Float.NaN : (float) (relu ? Math.max(0, v) : v);
            }
            for (int c = 0; c < concepts.size(); c++) {
                if (rnd.nextInt(4) == 0) {
                    labels.set(r, c);
                }
            }
        }
        return LayerBatch.of(l.model(), l.layer(), ts, acts, concepts, labels.build());
    }

    private static void applyAll(Path path, StatisticsStoreConfig config, List<StatisticsUpdate> updates)
            throws IOException {
        try (StatisticsStore store = StatisticsStore.open(path, config)) {
            for (int i = 0; i < updates.size(); i++) {
                store.apply(updates.get(i), List.of(new SourceOffset(TOPIC, i % 2, i)));
            }
        }
    }

    /** Names the first differing key rather than printing two whole column families. */
    private static void assertSameEntries(String family, Map<String, String> expected, Map<String, String> actual) {
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), actual.get(e.getKey()), family + " key " + e.getKey());
        }
        for (String key : actual.keySet()) {
            assertTrue(expected.containsKey(key), family + " key " + key + " written by one side only");
        }
    }

    /** Every key and value of every column family, hex, counters summed by their merge operator. */
    private static Map<String, Map<String, String>> dump(Path path) throws Exception {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        try (ColumnFamilyOptions summing = new ColumnFamilyOptions().setMergeOperatorName("uint64add")) {
            for (String name : FAMILIES) {
                descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8),
                        name.equals(Families.COUNTERS) ? summing : new ColumnFamilyOptions()));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            Map<String, Map<String, String>> out = new TreeMap<>();
            try (RocksDB db = RocksDB.openReadOnly(path.toString(), descriptors, handles)) {
                for (int i = 0; i < FAMILIES.size(); i++) {
                    Map<String, String> family = new TreeMap<>();
                    try (RocksIterator it = db.newIterator(handles.get(i + 1))) {
                        for (it.seekToFirst(); it.isValid(); it.next()) {
                            family.put(HexFormat.of().formatHex(it.key()), HexFormat.of().formatHex(it.value()));
                        }
                        it.status();
                    }
                    out.put(FAMILIES.get(i), family);
                }
                handles.forEach(ColumnFamilyHandle::close);
            } finally {
                descriptors.forEach(d -> {
                    if (d.getOptions() != summing) {
                        d.getOptions().close();
                    }
                });
            }
            assertFalse(out.get(Families.OFFSETS).isEmpty());
            return out;
        }
    }

    /** What the updates hold, counted directly. */
    private static final class Truth {
        private final Map<String, Long> counts = new HashMap<>();
        private final Map<String, Long> samples = new HashMap<>();
        private final Map<String, Long> positives = new HashMap<>();

        Truth(List<StatisticsUpdate> updates) {
            for (StatisticsUpdate u : updates) {
                for (LayerBatch lb : u.batches()) {
                    String layer = lb.model() + "/" + lb.layer();
                    for (int r = 0; r < lb.rows(); r++) {
                        for (int j = 0; j < lb.neurons(); j++) {
                            if (!Float.isNaN(lb.value(r, j))) {
                                counts.merge(layer + "/" + j, 1L, Long::sum);
                            }
                        }
                        for (int c = 0; c < lb.concepts().size(); c++) {
                            samples.merge(layer + "/" + lb.concepts().get(c), 1L, Long::sum);
                            positives.merge(layer + "/" + lb.concepts().get(c), lb.label(r, c) ? 1L : 0L, Long::sum);
                        }
                    }
                }
            }
        }

        long count(Layer l, int j) {
            return counts.getOrDefault(l.model() + "/" + l.layer() + "/" + j, 0L);
        }

        long samples(Layer l, String c) {
            return samples.getOrDefault(l.model() + "/" + l.layer() + "/" + c, 0L);
        }

        long positives(Layer l, String c) {
            return positives.getOrDefault(l.model() + "/" + l.layer() + "/" + c, 0L);
        }
    }

    private static float[] toArray(List<Float> xs) {
        float[] out = new float[xs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = xs.get(i);
        }
        return out;
    }
}
