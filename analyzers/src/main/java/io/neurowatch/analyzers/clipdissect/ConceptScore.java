package io.neurowatch.analyzers.clipdissect;

/**
 * One concept and its similarity to a unit.
 *
 * @param index column of the concept in the similarity matrix (and position in the concept list)
 * @param concept the concept text
 * @param score sim[unit, index]; NaN only in reference-compatible mode
 */
public record ConceptScore(int index, String concept, double score) {
}
