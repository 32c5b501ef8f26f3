package io.neurowatch.core.state;

import io.neurowatch.core.LabelMatrix;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The activations of one layer of one model for a batch of samples, with optional concept labels: the input of
 * {@link StatisticsStore#apply} (wrapped in a {@link StatisticsUpdate}).
 *
 * <p>Row {@code i} is sample {@code i}: {@code activations[i][j]} is neuron {@code j}, {@code timestampsMillis[i]}
 * picks the time bucket its statistics go to, and, for concept {@code c} of {@code concepts},
 * {@code labels.get(i, c)} says whether the sample carries it. Every row has the same number of neurons.
 *
 * <p>Arrays are copied in and out, so the caller may reuse its buffers. Immutable; thread-safe.
 */
public final class LayerBatch {
    private final String model;
    private final String layer;
    private final long[] timestampsMillis;
    private final float[][] activations;
    private final List<String> concepts;
    private final LabelMatrix labels;
    private final int neurons;
    private final boolean labelsOnly;

    private LayerBatch(String model, String layer, long[] timestampsMillis, float[][] activations,
            List<String> concepts, LabelMatrix labels) {
        this(model, layer, timestampsMillis, activations, concepts, labels, true, false);
    }

    private LayerBatch(String model, String layer, long[] timestampsMillis, float[][] activations,
            List<String> concepts, LabelMatrix labels, boolean copyRows, boolean labelsOnly) {
        this.labelsOnly = labelsOnly;
        this.model = KeyCodec.requireName("model", model);
        this.layer = KeyCodec.requireName("layer", layer);
        Objects.requireNonNull(timestampsMillis, "timestampsMillis");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(concepts, "concepts");
        int rows = activations.length;
        if (timestampsMillis.length != rows) {
            throw new IllegalArgumentException(model + "/" + layer + ": " + timestampsMillis.length
                    + " timestamps for " + rows + " rows of activations");
        }
        this.neurons = rows == 0 ? 0 : activations[0].length;
        this.activations = new float[rows][];
        for (int i = 0; i < rows; i++) {
            if (activations[i].length != neurons) {
                throw new IllegalArgumentException(model + "/" + layer + ": row " + i + " has "
                        + activations[i].length + " neurons, row 0 has " + neurons);
            }
            this.activations[i] = copyRows ? activations[i].clone() : activations[i];
        }
        HashSet<String> seen = new HashSet<>();
        for (String c : concepts) {
            KeyCodec.requireName("concept", c);
            if (!seen.add(c)) {
                throw new IllegalArgumentException(model + "/" + layer + ": concept '" + c + "' listed twice");
            }
        }
        if (!concepts.isEmpty()) {
            Objects.requireNonNull(labels, "labels are required when concepts are given");
            if (labels.rows() != rows || labels.concepts() != concepts.size()) {
                throw new IllegalArgumentException(model + "/" + layer + ": labels of shape [" + labels.rows()
                        + ", " + labels.concepts() + "] for " + rows + " rows and " + concepts.size() + " concepts");
            }
        }
        this.timestampsMillis = timestampsMillis.clone();
        this.concepts = List.copyOf(concepts);
        this.labels = concepts.isEmpty() ? null : labels;
    }

    /**
     * A batch without labels whose samples all share one timestamp.
     *
     * @throws IllegalArgumentException if a name is empty or contains U+0000, or rows differ in length
     */
    public static LayerBatch of(String model, String layer, long timestampMillis, float[][] activations) {
        long[] ts = new long[activations.length];
        Arrays.fill(ts, timestampMillis);
        return new LayerBatch(model, layer, ts, activations, List.of(), null);
    }

    /**
     * A labelled batch with one timestamp per sample.
     *
     * @param labels {@code rows x concepts.size()} labels; may be null only if {@code concepts} is empty
     *     (the {@link LabelMatrix} is immutable, so it is shared, not copied)
     * @throws IllegalArgumentException if a name is empty or contains U+0000, a concept is listed twice, or the
     *     shapes of timestamps, activations and labels disagree
     */
    public static LayerBatch of(String model, String layer, long[] timestampsMillis, float[][] activations,
            List<String> concepts, LabelMatrix labels) {
        return new LayerBatch(model, layer, timestampsMillis, activations, concepts, labels);
    }

    /**
     * As {@link #of(String, String, long[], float[][], List, LabelMatrix)} but keeps the row arrays instead of
     * copying them: for a caller that already made its own copy of each row and shares it read-only (the analyzer
     * hands the same rows to the archive). The caller must never modify them afterwards.
     */
    public static LayerBatch wrap(String model, String layer, long[] timestampsMillis, float[][] activations,
            List<String> concepts, LabelMatrix labels) {
        return new LayerBatch(model, layer, timestampsMillis, activations, concepts, labels, false, false);
    }

    /**
     * Labels that arrived after the activations (late annotations): the rows reach only the concept histograms
     * and counters, not the neurons' sketches, which already hold them. The rows are kept as by {@link #wrap}.
     *
     * @throws IllegalArgumentException as {@link #of(String, String, long[], float[][], List, LabelMatrix)}, and
     *     if {@code concepts} is empty (there would be nothing to add)
     */
    public static LayerBatch lateLabels(String model, String layer, long[] timestampsMillis, float[][] activations,
            List<String> concepts, LabelMatrix labels) {
        if (concepts.isEmpty()) {
            throw new IllegalArgumentException(model + "/" + layer + ": late labels without concepts");
        }
        return new LayerBatch(model, layer, timestampsMillis, activations, concepts, labels, false, true);
    }

    /** Whether the rows feed only the concept histograms and counters (see {@link #lateLabels}). */
    public boolean labelsOnly() {
        return labelsOnly;
    }

    public String model() {
        return model;
    }

    public String layer() {
        return layer;
    }

    public int rows() {
        return activations.length;
    }

    public int neurons() {
        return neurons;
    }

    /** Concept ids, in label column order; empty if unlabelled. */
    public List<String> concepts() {
        return concepts;
    }

    /** A copy of the timestamps. */
    public long[] timestampsMillis() {
        return timestampsMillis.clone();
    }

    /** A copy of the activations, {@code [rows][neurons]}. */
    public float[][] activations() {
        float[][] copy = new float[activations.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = activations[i].clone();
        }
        return copy;
    }

    float value(int row, int neuron) {
        return activations[row][neuron];
    }

    /** Row {@code row} itself, not a copy: read it, never write it. */
    float[] row(int row) {
        return activations[row];
    }

    long timestamp(int row) {
        return timestampsMillis[row];
    }

    boolean label(int row, int concept) {
        return labels.get(row, concept);
    }

    /** The bitset of concept {@code concept} (see {@link LabelMatrix#column}); shared, never write it. */
    long[] labelBits(int concept) {
        return labels.column(concept);
    }

    @Override
    public String toString() {
        return "LayerBatch[" + model + "/" + layer + ", rows=" + rows() + ", neurons=" + neurons
                + ", concepts=" + concepts.size() + "]";
    }
}
