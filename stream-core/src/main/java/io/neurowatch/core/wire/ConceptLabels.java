package io.neurowatch.core.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Concept labels of the samples of a batch in compressed sparse row form: the concept ids of sample {@code i} are
 * {@code conceptIds[offsets[i] .. offsets[i+1])}. A sample with no concepts has an empty range.
 *
 * <p>Invariants, checked on construction: {@code offsets[0] = 0}, offsets non-decreasing, the last offset equals
 * {@code conceptIds.length}, concept ids non-negative, no concept twice within one sample. Arrays are copied in
 * and out, so an instance is immutable and thread-safe.
 *
 * @param offsets one more entry than there are samples
 * @param conceptIds all samples' concept ids, concatenated
 */
public record ConceptLabels(int[] offsets, int[] conceptIds) {

    /**
     * @throws NullPointerException if an array is null
     * @throws IllegalArgumentException if an invariant does not hold; the message names the index and values
     */
    public ConceptLabels {
        offsets = Objects.requireNonNull(offsets, "offsets").clone();
        conceptIds = Objects.requireNonNull(conceptIds, "conceptIds").clone();
        Violation v = WireChecks.labelOffsets(offsets, conceptIds.length);
        if (v == null) {
            v = WireChecks.conceptIds(offsets, conceptIds);
        }
        if (v != null) {
            throw new IllegalArgumentException(v.message());
        }
    }

    /**
     * Labels from one concept-id array per sample.
     *
     * @throws IllegalArgumentException if an id is negative or repeated within a sample, or there are more than
     *     {@code Integer.MAX_VALUE} ids
     */
    public static ConceptLabels of(int[]... perSample) {
        int[] offsets = new int[perSample.length + 1];
        long total = 0;
        for (int i = 0; i < perSample.length; i++) {
            total += perSample[i].length;
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("more than " + Integer.MAX_VALUE + " concept ids");
            }
            offsets[i + 1] = (int) total;
        }
        int[] ids = new int[(int) total];
        for (int i = 0; i < perSample.length; i++) {
            System.arraycopy(perSample[i], 0, ids, offsets[i], perSample[i].length);
        }
        return new ConceptLabels(offsets, ids);
    }

    @Override
    public int[] offsets() {
        return offsets.clone();
    }

    @Override
    public int[] conceptIds() {
        return conceptIds.clone();
    }

    /** Number of samples described. */
    public int samples() {
        return offsets.length - 1;
    }

    /** Total number of (sample, concept) pairs. */
    public int count() {
        return conceptIds.length;
    }

    /** Concept ids of sample {@code sample}, in the order they were given. */
    public int[] conceptsOf(int sample) {
        Objects.checkIndex(sample, samples());
        return Arrays.copyOfRange(conceptIds, offsets[sample], offsets[sample + 1]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConceptLabels other && Arrays.equals(offsets, other.offsets)
                && Arrays.equals(conceptIds, other.conceptIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(offsets) + Arrays.hashCode(conceptIds);
    }

    @Override
    public String toString() {
        return "ConceptLabels[samples=" + samples() + ", count=" + count() + "]";
    }
}
