package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.clipdissect.DissectParams;
import io.neurowatch.analyzers.clipdissect.SimilarityFunction;
import io.neurowatch.connectors.io.ConceptList;
import io.neurowatch.connectors.io.ConceptListReader;
import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingException;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Streaming CLIP-Dissect: applies to batches that carry per-sample concept-similarity rows.
 *
 * @param params similarity function and its parameters; only the top-k functions (soft_wpmi, wpmi) can be
 *               computed from bounded per-neuron heaps
 * @param concepts names of the similarity columns ({@code clip.concepts}, one per line); null names them
 *                 {@code t<column>}
 */
public record ClipSettings(DissectParams params, List<String> concepts) {
    public static final Setting<String> FUNCTION = Setting.choice("clip.function", "soft_wpmi",
            "streaming CLIP-Dissect similarity; the functions that need only each neuron's top-k samples",
            "soft_wpmi", "wpmi");
    public static final Setting<Integer> TOP_K = Setting.integer("clip.top-k", 100,
            "per-neuron heap size (the function's top_k)", Setting.atLeast(1));
    public static final Setting<Path> CONCEPTS = Setting.optionalPath("clip.concepts", "names `t<column>`",
            "concept list naming the similarity columns, one per line (duplicates are an error: columns are "
                    + "positional)");

    public static final SettingsTable.Group GROUP = new SettingsTable.Group("clip-dissect",
            "Streaming CLIP-Dissect of batches that carry concept-similarity rows.",
            List.of(FUNCTION, TOP_K, CONCEPTS));

    public ClipSettings {
        Objects.requireNonNull(params, "params");
        if (!params.function().isPmi()) {
            throw new IllegalArgumentException("clip.function " + params.function().wireName()
                    + " needs every sample; streaming supports soft_wpmi and wpmi");
        }
        concepts = concepts == null ? null : List.copyOf(concepts);
    }

    public static ClipSettings from(SettingValues v) {
        DissectParams p = DissectParams.defaults(SimilarityFunction.parse(v.get(FUNCTION))).withTopK(v.get(TOP_K));
        Path file = v.get(CONCEPTS);
        if (file == null) {
            return new ClipSettings(p, null);
        }
        try {
            ConceptList list = ConceptListReader.read(file);
            if (!list.duplicates().isEmpty()) {
                // Streamed similarity columns are positional: a dropped duplicate would shift every later one.
                throw new SettingException(v.source(CONCEPTS) + ": clip.concepts = " + file + ": "
                        + String.join("; ", list.warnings()));
            }
            return new ClipSettings(p, list.concepts());
        } catch (IOException e) {
            throw new SettingException(v.source(CONCEPTS) + ": clip.concepts = " + file + ": " + e.getMessage(), e);
        }
    }

    /** Names for {@code width} similarity columns. */
    public List<String> names(int width) {
        if (concepts != null && concepts.size() == width) {
            return concepts;
        }
        if (concepts != null) {
            throw new IllegalArgumentException("clip.concepts lists " + concepts.size()
                    + " concepts but the batches carry " + width + " similarity columns");
        }
        List<String> out = new ArrayList<>(width);
        for (int m = 0; m < width; m++) {
            out.add("t" + m);
        }
        return out;
    }
}
