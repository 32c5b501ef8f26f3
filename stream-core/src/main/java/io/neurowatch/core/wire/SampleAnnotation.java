package io.neurowatch.core.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Concept labels of one sample that arrive after its activations, on the annotations topic: for example a human
 * label or a slow captioning model. Joined to activations by ({@code modelId}, {@code sampleId}).
 *
 * <p>Arrays are copied in and out, so an instance is immutable and thread-safe.
 *
 * @param modelId model whose sample this is, non-empty, at most {@value WireFormat#MAX_STRING_BYTES} UTF-8 bytes
 * @param sampleId the sample id used in the activation batches of that model
 * @param conceptIds the sample's concepts: non-negative, no repeats; empty means "carries none of the concepts"
 * @param similarity optional row of M finite concept similarities (CLIP-Dissect), null when absent
 */
public record SampleAnnotation(String modelId, long sampleId, int[] conceptIds, float[] similarity) {

    /**
     * @throws NullPointerException if {@code modelId} or {@code conceptIds} is null
     * @throws IllegalArgumentException if a rule of the wire format does not hold; the message says which
     */
    public SampleAnnotation {
        String problem = WireChecks.string("modelId", modelId, false);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        conceptIds = Objects.requireNonNull(conceptIds, "conceptIds").clone();
        similarity = similarity == null ? null : similarity.clone();
        Violation v = WireChecks.conceptRow(conceptIds, 0, conceptIds.length, "annotation of sample " + sampleId);
        if (v == null && similarity != null) {
            problem = WireChecks.dimension("similarity width M", similarity.length, WireFormat.MAX_SIMILARITY_WIDTH);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            v = WireChecks.nonFinite(similarity, similarity.length, "similarity");
        }
        if (v != null) {
            throw new IllegalArgumentException(v.message());
        }
    }

    /** An annotation without similarities. */
    public static SampleAnnotation of(String modelId, long sampleId, int... conceptIds) {
        return new SampleAnnotation(modelId, sampleId, conceptIds, null);
    }

    /**
     * The Kafka record key {@code "model/sampleId"}: annotations of one sample stay in order, so the latest wins,
     * and a compacted annotations topic keeps exactly the latest annotation of every sample.
     */
    public String key() {
        return modelId + "/" + sampleId;
    }

    @Override
    public int[] conceptIds() {
        return conceptIds.clone();
    }

    @Override
    public float[] similarity() {
        return similarity == null ? null : similarity.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleAnnotation a && modelId.equals(a.modelId) && sampleId == a.sampleId
                && Arrays.equals(conceptIds, a.conceptIds) && Arrays.equals(similarity, a.similarity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(modelId, sampleId) * 961 + Arrays.hashCode(conceptIds) * 31
                + Arrays.hashCode(similarity);
    }

    @Override
    public String toString() {
        return "SampleAnnotation[model=" + modelId + ", sample=" + sampleId + ", concepts="
                + Arrays.toString(conceptIds) + (similarity == null ? "" : ", similarityWidth=" + similarity.length)
                + "]";
    }
}
