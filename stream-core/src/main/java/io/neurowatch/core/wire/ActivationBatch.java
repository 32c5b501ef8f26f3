package io.neurowatch.core.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One Kafka record's worth of activations: a batch of B samples of one layer of one model, as an inference service
 * sends it. The activation matrix is [B, D], row-major, float32; a [C, H, W] layer is flattened row-major and its
 * shape may travel in {@link #featureShape()}.
 *
 * <p>Optional sections are null when absent: {@code featureShape} (product D), {@code timestampsMillis} (B epoch
 * milliseconds), {@code labels} (B samples of concept ids) and {@code similarities} ([B, M] row-major float32,
 * reserved for CLIP-Dissect's image–concept similarities).
 *
 * <p>The constructor enforces every rule the decoder enforces, so every instance encodes to a record that decodes
 * back to an equal instance. Arrays are copied on the way in and out, so an instance is immutable and thread-safe;
 * use {@link #activation}, {@link #row} and {@link #similarity} to read single values without copying the matrix.
 * (Not a record: the decoder hands over arrays it has checked, and a record's canonical constructor would copy and
 * check a half-megabyte matrix twice more per Kafka record.)
 *
 * @param modelId model identifier, non-empty, at most {@value WireFormat#MAX_STRING_BYTES} UTF-8 bytes
 * @param modelVersion model version, possibly empty, same length limit
 * @param layer layer name, non-empty, same length limit
 * @param sampleIds B sample ids, unique within the batch (and, by contract with the producer, per model)
 * @param features D, the number of flattened features
 * @param activations B·D finite values, row-major
 * @param featureShape optional unflattened shape of one sample's features, rank 1 to 8, product D
 * @param timestampsMillis optional per-sample epoch milliseconds, B entries
 * @param labels optional per-sample concept labels, B samples
 * @param similarities optional per-sample concept similarities, B·M finite values, row-major, M ≥ 1
 */
public final class ActivationBatch {
    private final String modelId;
    private final String modelVersion;
    private final String layer;
    private final long[] sampleIds;
    private final int features;
    /** One array of D values per sample: no single B·D array, which at typical sizes is a "humongous" object. */
    private final float[][] rows;
    private final int[] featureShape;
    private final long[] timestampsMillis;
    private final ConceptLabels labels;
    private final float[] similarities;

    /**
     * Copies the arrays and checks every rule.
     *
     * @throws NullPointerException if a required component is null
     * @throws IllegalArgumentException if a rule of the wire format does not hold; the message says which
     */
    public ActivationBatch(String modelId, String modelVersion, String layer, long[] sampleIds, int features,
            float[] activations, int[] featureShape, long[] timestampsMillis, ConceptLabels labels,
            float[] similarities) {
        require(WireChecks.string("modelId", modelId, false));
        require(WireChecks.string("modelVersion", modelVersion, true));
        require(WireChecks.string("layer", layer, false));
        this.modelId = modelId;
        this.modelVersion = modelVersion;
        this.layer = layer;
        this.sampleIds = Objects.requireNonNull(sampleIds, "sampleIds").clone();
        this.features = features;
        Objects.requireNonNull(activations, "activations");
        int batch = this.sampleIds.length;
        require(WireChecks.dimension("batch size B", batch, WireFormat.MAX_BATCH_SIZE));
        require(WireChecks.dimension("features D", features, WireFormat.MAX_FEATURES));
        if ((long) batch * features != activations.length) {
            throw new IllegalArgumentException("activations has " + activations.length
                    + " values, expected B·D = " + batch + "·" + features);
        }
        this.rows = new float[batch][];
        for (int i = 0; i < batch; i++) {
            rows[i] = Arrays.copyOfRange(activations, i * features, (i + 1) * features);
        }
        require(WireChecks.nonFiniteRows(rows, "activation"));
        require(WireChecks.duplicateSampleId(this.sampleIds));
        this.featureShape = checkedShape(featureShape, features);
        this.timestampsMillis = checkedTimestamps(timestampsMillis, batch);
        this.labels = checkedLabels(labels, batch);
        this.similarities = checkedSimilarities(similarities, batch);
    }

    /** Takes the arrays as they are: for the decoder, which checked them, and the {@code with} methods. */
    private ActivationBatch(String modelId, String modelVersion, String layer, long[] sampleIds, int features,
            float[][] rows, int[] featureShape, long[] timestampsMillis, ConceptLabels labels,
            float[] similarities, boolean trusted) {
        this.modelId = modelId;
        this.modelVersion = modelVersion;
        this.layer = layer;
        this.sampleIds = sampleIds;
        this.features = features;
        this.rows = rows;
        this.featureShape = featureShape;
        this.timestampsMillis = timestampsMillis;
        this.labels = labels;
        this.similarities = similarities;
    }

    /**
     * A batch of arrays the decoder has just read and checked against every rule, owned by nobody else: kept
     * without a copy and without checking them again (a record's activations are read once, not three times).
     */
    static ActivationBatch decoded(String modelId, String modelVersion, String layer, long[] sampleIds,
            int features, float[][] rows, int[] featureShape, long[] timestampsMillis, ConceptLabels labels,
            float[] similarities) {
        return new ActivationBatch(modelId, modelVersion, layer, sampleIds, features, rows, featureShape,
                timestampsMillis, labels, similarities, true);
    }

    private static int[] checkedShape(int[] featureShape, int features) {
        if (featureShape == null) {
            return null;
        }
        int[] copy = featureShape.clone();
        require(WireChecks.featureShape(copy, features));
        return copy;
    }

    private static long[] checkedTimestamps(long[] timestampsMillis, int batch) {
        if (timestampsMillis != null && timestampsMillis.length != batch) {
            throw new IllegalArgumentException(timestampsMillis.length + " timestamps for " + batch + " samples");
        }
        return timestampsMillis == null ? null : timestampsMillis.clone();
    }

    private static ConceptLabels checkedLabels(ConceptLabels labels, int batch) {
        if (labels != null && labels.samples() != batch) {
            throw new IllegalArgumentException("labels describe " + labels.samples() + " samples, batch has "
                    + batch);
        }
        return labels;
    }

    private static float[] checkedSimilarities(float[] similarities, int batch) {
        if (similarities == null) {
            return null;
        }
        float[] copy = similarities.clone();
        if (copy.length % batch != 0) {
            throw new IllegalArgumentException("similarities has " + copy.length + " values, not a multiple of B = "
                    + batch);
        }
        int width = copy.length / batch;
        require(WireChecks.dimension("similarity width M", width, WireFormat.MAX_SIMILARITY_WIDTH));
        require(WireChecks.nonFinite(copy, width, "similarity"));
        return copy;
    }

    /**
     * A batch without optional sections; add them with the {@code with...} methods.
     *
     * @throws IllegalArgumentException as the public constructor
     */
    public static ActivationBatch of(String modelId, String modelVersion, String layer, long[] sampleIds,
            int features, float[] activations) {
        return new ActivationBatch(modelId, modelVersion, layer, sampleIds, features, activations, null, null, null,
                null);
    }

    /** This batch with {@code shape} as feature shape (null removes it); the rest is shared, not copied. */
    public ActivationBatch withFeatureShape(int... shape) {
        return new ActivationBatch(modelId, modelVersion, layer, sampleIds, features, rows,
                checkedShape(shape, features), timestampsMillis, labels, similarities, true);
    }

    /** This batch with per-sample timestamps (null removes them); the rest is shared, not copied. */
    public ActivationBatch withTimestamps(long[] millis) {
        return new ActivationBatch(modelId, modelVersion, layer, sampleIds, features, rows, featureShape,
                checkedTimestamps(millis, sampleIds.length), labels, similarities, true);
    }

    /** This batch with per-sample concept labels (null removes them); the rest is shared, not copied. */
    public ActivationBatch withLabels(ConceptLabels conceptLabels) {
        return new ActivationBatch(modelId, modelVersion, layer, sampleIds, features, rows, featureShape,
                timestampsMillis, checkedLabels(conceptLabels, sampleIds.length), similarities, true);
    }

    /** This batch with a row-major [B, M] similarity matrix (null removes it); the rest is shared, not copied. */
    public ActivationBatch withSimilarities(float[] rowMajor) {
        return new ActivationBatch(modelId, modelVersion, layer, sampleIds, features, rows, featureShape,
                timestampsMillis, labels, checkedSimilarities(rowMajor, sampleIds.length), true);
    }

    public String modelId() {
        return modelId;
    }

    public String modelVersion() {
        return modelVersion;
    }

    public String layer() {
        return layer;
    }

    /** D. */
    public int features() {
        return features;
    }

    /** The labels, or null (immutable). */
    public ConceptLabels labels() {
        return labels;
    }

    /**
     * The Kafka record key {@code "model/layer"}: one layer's batches share a partition and so stay in order.
     * Model ids may themselves contain '/', so the key routes but is not meant to be parsed back.
     */
    public String key() {
        return modelId + "/" + layer;
    }

    /** B, the number of samples. */
    public int batchSize() {
        return sampleIds.length;
    }

    /** Activation of feature {@code column} of sample row {@code row}. */
    public float activation(int row, int column) {
        Objects.checkIndex(row, sampleIds.length);
        Objects.checkIndex(column, features);
        return rows[row][column];
    }

    /** A copy of sample row {@code row}'s D activations. */
    public float[] row(int row) {
        Objects.checkIndex(row, sampleIds.length);
        return rows[row].clone();
    }

    /** Sample id of row {@code row}. */
    public long sampleId(int row) {
        return sampleIds[row];
    }

    /** M, the number of similarity columns, or 0 without a similarity section. */
    public int similarityWidth() {
        return similarities == null ? 0 : similarities.length / sampleIds.length;
    }

    /** Similarity of sample row {@code row} to concept {@code column}. */
    public float similarity(int row, int column) {
        if (similarities == null) {
            throw new IllegalStateException("batch has no similarity section");
        }
        Objects.checkIndex(row, sampleIds.length);
        Objects.checkIndex(column, similarityWidth());
        return similarities[row * similarityWidth() + column];
    }

    public long[] sampleIds() {
        return sampleIds.clone();
    }

    /** A copy of the activations, row-major [B, D]. */
    public float[] activations() {
        float[] flat = new float[rows.length * features];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * features, features);
        }
        return flat;
    }

    /** The batch's own row arrays, for {@link ActivationBatchCodec#decodeWithRows}: never to be written. */
    float[][] sharedRows() {
        return rows;
    }

    public int[] featureShape() {
        return featureShape == null ? null : featureShape.clone();
    }

    public long[] timestampsMillis() {
        return timestampsMillis == null ? null : timestampsMillis.clone();
    }

    public float[] similarities() {
        return similarities == null ? null : similarities.clone();
    }

    /** Bit-exact equality: -0.0 and 0.0 differ, as they do on the wire. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ActivationBatch b && modelId.equals(b.modelId) && modelVersion.equals(b.modelVersion)
                && layer.equals(b.layer) && features == b.features && Arrays.equals(sampleIds, b.sampleIds)
                && Arrays.deepEquals(rows, b.rows) && Arrays.equals(featureShape, b.featureShape)
                && Arrays.equals(timestampsMillis, b.timestampsMillis) && Objects.equals(labels, b.labels)
                && Arrays.equals(similarities, b.similarities);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(modelId, modelVersion, layer, features, labels);
        h = 31 * h + Arrays.hashCode(sampleIds);
        h = 31 * h + Arrays.deepHashCode(rows);
        h = 31 * h + Arrays.hashCode(featureShape);
        h = 31 * h + Arrays.hashCode(timestampsMillis);
        return 31 * h + Arrays.hashCode(similarities);
    }

    /** Names and sizes only: the matrices can be megabytes. */
    @Override
    public String toString() {
        List<String> optional = new ArrayList<>();
        if (featureShape != null) {
            optional.add("featureShape=" + Arrays.toString(featureShape));
        }
        if (timestampsMillis != null) {
            optional.add("timestamps");
        }
        if (labels != null) {
            optional.add("labels=" + labels.count());
        }
        if (similarities != null) {
            optional.add("similarityWidth=" + similarityWidth());
        }
        return "ActivationBatch[model=" + modelId + ", version=" + modelVersion + ", layer=" + layer + ", B="
                + sampleIds.length + ", D=" + features + (optional.isEmpty() ? "" : ", " + String.join(", ", optional))
                + "]";
    }

    private static void require(String problem) {
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static void require(Violation violation) {
        if (violation != null) {
            throw new IllegalArgumentException(violation.message());
        }
    }
}
