package io.neurowatch.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ordered list of concepts with unique ids; position {@code c} describes label column {@code c}.
 * Immutable.
 */
public final class ConceptSet {
    private final List<Concept> concepts;
    private final Map<String, Integer> indexById;

    private ConceptSet(List<Concept> concepts, Map<String, Integer> indexById) {
        this.concepts = concepts;
        this.indexById = indexById;
    }

    /**
     * @throws IllegalArgumentException naming both positions if an id occurs twice (the reference silently
     *     collapses duplicates; Neurowatch rejects them)
     */
    public static ConceptSet of(List<Concept> concepts) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < concepts.size(); i++) {
            Integer prev = index.putIfAbsent(concepts.get(i).id(), i);
            if (prev != null) {
                throw new IllegalArgumentException("duplicate concept id '" + concepts.get(i).id()
                        + "' at positions " + prev + " and " + i);
            }
        }
        return new ConceptSet(List.copyOf(concepts), Map.copyOf(index));
    }

    /** Concepts named {@code prefix0 ... prefix(n-1)}. */
    public static ConceptSet numbered(String prefix, int n) {
        Concept[] cs = new Concept[n];
        for (int i = 0; i < n; i++) {
            cs[i] = Concept.of(prefix + i);
        }
        return of(List.of(cs));
    }

    public int size() {
        return concepts.size();
    }

    public Concept get(int index) {
        return concepts.get(index);
    }

    public String id(int index) {
        return concepts.get(index).id();
    }

    /** Position of {@code id}, or -1. */
    public int indexOf(String id) {
        Integer i = indexById.get(id);
        return i == null ? -1 : i;
    }

    public List<Concept> asList() {
        return concepts;
    }

    /** Equal when the concepts are, in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ConceptSet c && c.concepts.equals(concepts);
    }

    @Override
    public int hashCode() {
        return concepts.hashCode();
    }

    @Override
    public String toString() {
        return "ConceptSet" + concepts.stream().map(Concept::id).toList();
    }
}
