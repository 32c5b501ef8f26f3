package io.neurowatch.ops.invert;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.neurowatch.analyzers.invert.Explanation;
import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.analyzers.invert.UnitResult;
import io.neurowatch.core.ConceptSet;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Streams INVERT results to JSON as they are produced (schema in {@code docs/file-formats.md}), so a layer of any
 * width is written without holding every result. The file is written under a temporary name and renamed into place
 * on {@link #close()}, so a crashed run never leaves a truncated results file. Not thread-safe.
 */
public final class InvertResultsJson implements Closeable {
    private final Path target;
    private final Path temp;
    private final JsonGenerator json;
    private final ConceptSet concepts;
    private boolean completed;

    /**
     * Opens the file and writes {@code params} and {@code inputs}; results follow with {@link #write}.
     *
     * @param inputs free-form description of the inputs (file names, shapes)
     */
    public InvertResultsJson(Path target, InvertParams params, int featureBatchSize, Map<String, Object> inputs,
                             ConceptSet concepts) throws IOException {
        this.target = target;
        this.concepts = concepts;
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        this.json = new JsonFactory().createGenerator(temp.toFile(), JsonEncoding.UTF8);
        json.useDefaultPrettyPrinter();
        json.writeStartObject();
        json.writeObjectFieldStart("params");
        json.writeNumberField("L", params.maxLength());
        json.writeNumberField("B", params.beamSize());
        if (params.limitSearch() < 0) {
            json.writeNullField("limit_search");
        } else {
            json.writeNumberField("limit_search", params.limitSearch());
        }
        json.writeNumberField("min_fraction", params.minFraction());
        json.writeNumberField("max_fraction", params.maxFraction());
        json.writeStringField("mode", params.mode().wireName());
        json.writeBooleanField("memorize_states", params.memorizeStates());
        json.writeStringField("alternative", params.alternative().wireName());
        json.writeNumberField("feature_batch_size", featureBatchSize);
        json.writeBooleanField("reference_compat", params.referenceCompat());
        json.writeBooleanField("auroc_compat", params.aurocCompat());
        json.writeBooleanField("float32_compat", params.float32Compat());
        json.writeBooleanField("keep_degenerate", params.keepDegenerate());
        json.writeBooleanField("allow_duplicates", params.allowDuplicates());
        json.writeBooleanField("prune_noop", params.pruneNoop());
        json.writeEndObject();
        json.writeObjectFieldStart("inputs");
        for (Map.Entry<String, Object> e : inputs.entrySet()) {
            json.writeFieldName(e.getKey());
            json.writeObject(e.getValue() == null ? null : e.getValue().toString());
        }
        json.writeEndObject();
        json.writeArrayFieldStart("results");
    }

    public void write(UnitResult r) throws IOException {
        json.writeStartObject();
        json.writeNumberField("unit", r.feature());
        json.writeStringField("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
        if (r.message() != null) {
            json.writeStringField("message", r.message());
        }
        if (r.states() != null) {
            json.writeObjectFieldStart("states");
            for (Map.Entry<Integer, List<Explanation>> st : r.states().entrySet()) {
                json.writeFieldName(String.valueOf(st.getKey()));
                writeList(st.getValue());
            }
            json.writeEndObject();
        } else {
            json.writeFieldName("explanations");
            writeList(r.explanations());
        }
        json.writeEndObject();
    }

    private void writeList(List<Explanation> es) throws IOException {
        json.writeStartArray();
        for (Explanation e : es) {
            json.writeStartObject();
            json.writeStringField("formula", e.canonical());
            json.writeStringField("label", e.readable(concepts));
            json.writeArrayFieldStart("concepts");
            for (String c : e.concepts()) {
                json.writeString(c);
            }
            json.writeEndArray();
            json.writeNumberField("length", e.length());
            json.writeNumberField("literals", e.literals());
            json.writeNumberField("auroc", e.auroc());
            json.writeNumberField("differentiability", e.differentiability());
            json.writeNumberField("concept_fraction", e.conceptFraction());
            json.writeNumberField("support", e.support());
            if (Double.isNaN(e.pValue())) {
                json.writeNullField("p_value");
            } else {
                json.writeNumberField("p_value", e.pValue());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** Marks the run complete: only then does {@link #close()} move the file into place. */
    public void complete() {
        completed = true;
    }

    @Override
    public void close() throws IOException {
        try {
            if (completed) {
                json.writeEndArray();
                json.writeEndObject();
            }
            json.close();
            if (completed) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
