package io.neurowatch.ops.clipdissect;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.analyzers.clipdissect.ConceptScore;
import io.neurowatch.analyzers.clipdissect.DissectOutput;
import io.neurowatch.analyzers.clipdissect.DissectResult;
import io.neurowatch.analyzers.clipdissect.NeuronStatus;
import io.neurowatch.connectors.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes CLIP-Dissect results as JSON (schema in {@code docs/file-formats.md}), and reads back what the dashboard
 * shows of them ({@link #readLayer}). The file is written under a
 * temporary name and renamed into place, so a failed run never leaves a truncated file. Non-finite scores (only in
 * reference-compatible mode) are written as null. Stateless and thread-safe.
 */
public final class DissectResultsJson {
    private DissectResultsJson() {
    }

    /**
     * @param inputs free-form description of the inputs (file names, shapes), written as strings or numbers
     * @param warnings problems found in the inputs (e.g. dropped concept lines)
     * @throws IOException if the file cannot be written
     */
    public static void write(Path target, DissectOutput out, Map<String, Object> inputs, List<String> warnings)
            throws IOException {
        AtomicFiles.writeAtomically(target, stream -> {
            try (JsonGenerator json = new JsonFactory().createGenerator(stream, JsonEncoding.UTF8)) {
                json.useDefaultPrettyPrinter();
                json.writeStartObject();
                json.writeStringField("function", out.params().function().wireName());
                json.writeObjectFieldStart("params");
                for (Map.Entry<String, Object> e : out.params().relevant().entrySet()) {
                    writeValue(json, e.getKey(), e.getValue());
                }
                json.writeEndObject();
                json.writeObjectFieldStart("inputs");
                for (Map.Entry<String, Object> e : inputs.entrySet()) {
                    writeValue(json, e.getKey(), e.getValue());
                }
                json.writeEndObject();
                json.writeArrayFieldStart("warnings");
                for (String w : warnings) {
                    json.writeString(w);
                }
                json.writeEndArray();
                json.writeObjectFieldStart("summary");
                for (Map.Entry<NeuronStatus, Integer> e : counts(out.results()).entrySet()) {
                    json.writeNumberField(e.getKey().wireName(), e.getValue());
                }
                json.writeEndObject();
                json.writeArrayFieldStart("results");
                for (DissectResult r : out.results()) {
                    writeResult(json, r);
                }
                json.writeEndArray();
                json.writeEndObject();
            }
        });
    }

    /**
     * The unit descriptions of a results file.
     *
     * @throws IOException if the file cannot be read, has no {@code results} array, or a result lacks its unit
     */
    public static DissectLayer readLayer(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode results = root == null ? null : root.get("results");
        if (results == null || !results.isArray()) {
            throw new IOException(file + ": no results array");
        }
        Map<Integer, DissectLayer.Description> units = new TreeMap<>();
        for (JsonNode r : results) {
            JsonNode unit = r.get("unit");
            if (unit == null || !unit.isIntegralNumber() || unit.asInt() < 0) {
                throw new IOException(file + ": a result without a valid unit: " + r);
            }
            JsonNode concept = r.get("concept");
            JsonNode score = r.get("score");
            units.put(unit.asInt(), new DissectLayer.Description(concept == null || concept.isNull() ? null
                    : concept.asText(), score != null && score.isNumber() ? score.asDouble() : Double.NaN,
                    r.path("status").asText("ok")));
        }
        return new DissectLayer(units);
    }

    /** Units per status, every status listed. */
    public static Map<NeuronStatus, Integer> counts(List<DissectResult> results) {
        Map<NeuronStatus, Integer> m = new EnumMap<>(NeuronStatus.class);
        for (NeuronStatus s : NeuronStatus.values()) {
            m.put(s, 0);
        }
        for (DissectResult r : results) {
            m.merge(r.status(), 1, Integer::sum);
        }
        return m;
    }

    private static void writeResult(JsonGenerator json, DissectResult r) throws IOException {
        json.writeStartObject();
        json.writeNumberField("unit", r.unit());
        ConceptScore best = r.best();
        if (best == null) {
            json.writeNullField("concept");
            json.writeNullField("concept_index");
            json.writeNullField("score");
        } else {
            json.writeStringField("concept", best.concept());
            json.writeNumberField("concept_index", best.index());
            writeScore(json, best.score());
        }
        json.writeArrayFieldStart("alternatives");
        for (ConceptScore a : r.alternatives()) {
            json.writeStartObject();
            json.writeStringField("concept", a.concept());
            json.writeNumberField("concept_index", a.index());
            writeScore(json, a.score());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("top_samples");
        for (int s : r.topSamples()) {
            json.writeNumber(s);
        }
        json.writeEndArray();
        json.writeStringField("status", r.status().wireName());
        if (r.message() != null) {
            json.writeStringField("message", r.message());
        }
        json.writeEndObject();
    }

    private static void writeScore(JsonGenerator json, double score) throws IOException {
        if (Double.isFinite(score)) {
            json.writeNumberField("score", score);
        } else {
            json.writeNullField("score");
        }
    }

    private static void writeValue(JsonGenerator json, String key, Object v) throws IOException {
        if (v == null) {
            json.writeNullField(key);
        } else if (v instanceof Boolean b) {
            json.writeBooleanField(key, b);
        } else if (v instanceof Integer || v instanceof Long) {
            json.writeNumberField(key, ((Number) v).longValue());
        } else if (v instanceof Number num) {
            json.writeNumberField(key, num.doubleValue());
        } else {
            json.writeStringField(key, v.toString());
        }
    }
}
