package io.neurowatch.ops.stream;

import io.neurowatch.core.LabelMatrix;
import io.neurowatch.core.state.AnnotationStore.Annotation;
import io.neurowatch.core.state.LayerBatch;
import io.neurowatch.core.wire.ActivationBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * The activations of each model's most recent samples, by sample id, so that a late annotation (a sample's concepts
 * arriving on the annotations topic after its activations) can still reach the per-(neuron, concept) histograms:
 * the join window of the streaming statistics. A sample stays while it is among its model's {@code capacity} most
 * recently arrived; the rows are the analyzer's own read-only row arrays, so the cost is {@code capacity x D x 4}
 * bytes per layer and nothing is copied.
 *
 * <p>A sample counts once: if it arrived with inline labels, or an earlier annotation already reached the
 * histograms, a later annotation changes only the label runs (histograms cannot take a count back). After a
 * restart or a move the window is refilled from the archive ({@link StatisticsStage}).
 *
 * <p>Not thread-safe (the task's thread).
 */
final class RecentActivations {
    /** One sample: its timestamp, its rows by layer, and whether its labels are already in the histograms. */
    private static final class Sample {
        long timestamp;
        boolean counted;
        final Map<String, float[]> rows = new TreeMap<>();
    }

    /** Late labels turned into histogram updates, and the annotations that found no sample. */
    record Joined(List<LayerBatch> updates, int matched, int unmatched) {
    }

    private final int capacity;
    private final Map<String, LinkedHashMap<Long, Sample>> byModel = new HashMap<>();

    /** @param capacity samples kept per model; 0 keeps none */
    RecentActivations(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Notes a decoded batch: {@code rows[i]} are sample i's activations, {@code timestamps[i]} its time, and
     * {@code labelled} whether its inline labels reached the histograms.
     */
    void add(ActivationBatch b, float[][] rows, long[] timestamps, boolean labelled) {
        for (int i = 0; i < rows.length; i++) {
            put(b.modelId(), b.layer(), b.sampleId(i), timestamps[i], rows[i], labelled);
        }
    }

    /** One sample's row of one layer; {@code counted} whether its labels are in the histograms already. */
    void put(String model, String layer, long sampleId, long timestamp, float[] row, boolean counted) {
        if (capacity == 0) {
            return;
        }
        LinkedHashMap<Long, Sample> samples = byModel.computeIfAbsent(model, m -> new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Sample> eldest) {
                return size() > capacity;
            }
        });
        Sample s = samples.computeIfAbsent(sampleId, id -> new Sample());
        s.timestamp = timestamp;
        s.counted |= counted;
        s.rows.put(layer, row);
    }

    /**
     * The histogram updates of {@code annotations}: per (model, layer), the matched samples that have not been
     * counted yet, positive for their own concepts and negative for the other concepts of the same updates (as
     * the samples of one labelled batch are). Marks them counted.
     *
     * @param conceptName the statistics' name of a concept id
     */
    Joined join(List<Annotation> annotations, IntFunction<String> conceptName) {
        Map<String, Map<String, List<Row>>> byLayer = new TreeMap<>();
        int matched = 0;
        int unmatched = 0;
        for (Annotation a : annotations) {
            Map<Long, Sample> samples = byModel.get(a.model());
            Sample s = samples == null ? null : samples.get(a.sampleId());
            if (s == null) {
                unmatched++;
                continue;
            }
            matched++;
            if (s.counted) {
                continue;
            }
            s.counted = true;
            for (Map.Entry<String, float[]> e : s.rows.entrySet()) {
                byLayer.computeIfAbsent(a.model(), m -> new TreeMap<>())
                        .computeIfAbsent(e.getKey(), l -> new ArrayList<>())
                        .add(new Row(s.timestamp, e.getValue(), a.conceptIds()));
            }
        }
        List<LayerBatch> updates = new ArrayList<>();
        byLayer.forEach((model, layers) -> layers.forEach((layer, rows) -> {
            LayerBatch u = labelsUpdate(model, layer, rows, conceptName);
            if (u != null) {
                updates.add(u);
            }
        }));
        return new Joined(updates, matched, unmatched);
    }

    /**
     * Marks a sample whose labels reached the histograms by another way (an annotation that was stored before its
     * activations arrived), so that a later annotation does not count it again.
     */
    void markCounted(String model, long sampleId) {
        Map<Long, Sample> samples = byModel.get(model);
        Sample s = samples == null ? null : samples.get(sampleId);
        if (s != null) {
            s.counted = true;
        }
    }

    /**
     * The labels-only histogram update of annotated rows of one layer: positive for each row's own concepts and
     * negative for the other concepts of the update; null if no row names a concept (nothing to compare).
     */
    static LayerBatch labelsUpdate(String model, String layer, List<Row> rows, IntFunction<String> conceptName) {
        TreeSet<Integer> present = new TreeSet<>();
        for (Row r : rows) {
            for (int c : r.concepts()) {
                present.add(c);
            }
        }
        if (present.isEmpty()) {
            return null;
        }
        List<Integer> ids = new ArrayList<>(present);
        LabelMatrix.Builder labels = LabelMatrix.builder(rows.size(), ids.size());
        long[] ts = new long[rows.size()];
        float[][] acts = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            ts[i] = rows.get(i).timestamp();
            acts[i] = rows.get(i).activations();
            for (int c : rows.get(i).concepts()) {
                labels.set(i, ids.indexOf(c));
            }
        }
        return LayerBatch.lateLabels(model, layer, ts, acts, ids.stream().map(conceptName::apply).toList(),
                labels.build());
    }

    /** One annotated row: its time, its activations in one layer, its concept ids. */
    record Row(long timestamp, float[] activations, int[] concepts) {
    }
}
