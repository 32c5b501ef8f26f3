package io.neurowatch.core.state;

/**
 * How many samples of a layer were labelled for a concept, and how many of them carried it, over the retained
 * buckets.
 *
 * @param samples samples whose batch listed the concept
 * @param positives samples among them that carry the concept
 */
public record ConceptCounts(long samples, long positives) {
    public static final ConceptCounts NONE = new ConceptCounts(0, 0);

    public long negatives() {
        return samples - positives;
    }
}
