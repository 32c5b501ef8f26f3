package io.neurowatch.core;

import java.util.Objects;

/**
 * A human concept that neurons are labelled with.
 *
 * @param id unique identifier used in formulas (for ImageNet a WordNet offset such as {@code n02883344})
 * @param name readable name, equal to {@code id} when the source gives none
 * @param definition free text, possibly empty
 */
public record Concept(String id, String name, String definition) {
    public Concept {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("concept id is blank");
        }
        name = name == null || name.isBlank() ? id : name;
        definition = definition == null ? "" : definition;
    }

    public static Concept of(String id) {
        return new Concept(id, id, "");
    }
}
