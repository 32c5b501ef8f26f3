package io.neurowatch.ops.dora;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.analyzers.dora.Atlas;
import io.neurowatch.analyzers.dora.DoraResult;
import io.neurowatch.analyzers.dora.IndexPair;
import io.neurowatch.connectors.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a DORA result as {@code dora.json} (schema in {@code docs/dora.md}), and reads back what the dashboard
 * shows of it ({@link #readLayer}). Written under a temporary name and
 * renamed into place, so a failed run never leaves a truncated file. Scores of excluded neurons (NaN) are written as
 * null. Stateless and thread-safe.
 */
public final class DoraResultsJson {
    private DoraResultsJson() {
    }

    /**
     * @param inputs free-form description of the inputs (file names, shapes), written as strings or numbers
     * @param atlas the embedding drawn in the atlas, or null
     * @throws IOException if the file cannot be written
     */
    public static void write(Path target, DoraResult r, Map<String, Object> inputs, Atlas atlas) throws IOException {
        AtomicFiles.writeAtomically(target, stream -> {
            try (JsonGenerator json = new JsonFactory().createGenerator(stream, JsonEncoding.UTF8)) {
                json.useDefaultPrettyPrinter();
                json.writeStartObject();
                json.writeStringField("method", "DORA (data-agnostic analysis: EA distance + LOF)");
                json.writeStringField("distance", r.params().mode().wireName());
                json.writeObjectFieldStart("params");
                for (Map.Entry<String, Object> e : r.params().asMap().entrySet()) {
                    writeValue(json, e.getKey(), e.getValue());
                }
                json.writeNumberField("n_neighbors_used", r.nNeighbors());
                json.writeEndObject();
                json.writeObjectFieldStart("inputs");
                for (Map.Entry<String, Object> e : inputs.entrySet()) {
                    writeValue(json, e.getKey(), e.getValue());
                }
                json.writeEndObject();
                int k = r.size();
                json.writeArrayFieldStart("neurons");
                for (int i = 0; i < k; i++) {
                    json.writeNumber(i);
                }
                json.writeEndArray();
                intArray(json, "outliers", r.outliers());
                json.writeNumberField("offset", r.offset());
                json.writeArrayFieldStart("negative_outlier_factor");
                for (double v : r.negativeOutlierFactor()) {
                    if (Double.isNaN(v)) {
                        json.writeNull();
                    } else {
                        json.writeNumber(v);
                    }
                }
                json.writeEndArray();
                intArray(json, "ranking", r.ranking());
                intArray(json, "dead", r.distances().deadRows());
                intArray(json, "excluded", r.excluded());
                json.writeArrayFieldStart("nan_pairs");
                for (IndexPair p : r.distances().nanPairs()) {
                    json.writeArray(new int[] {p.first(), p.second()}, 0, 2);
                }
                json.writeEndArray();
                json.writeArrayFieldStart("neighbors");
                for (int[] nb : r.neighbors()) {
                    json.writeArray(nb, 0, nb.length);
                }
                json.writeEndArray();
                if (atlas != null) {
                    json.writeObjectFieldStart("atlas");
                    json.writeStringField("method", "classical MDS");
                    intArray(json, "neurons", atlas.neuronIds());
                    json.writeFieldName("x");
                    json.writeArray(atlas.x(), 0, atlas.size());
                    json.writeFieldName("y");
                    json.writeArray(atlas.y(), 0, atlas.size());
                    json.writeEndObject();
                }
                json.writeEndObject();
            }
        });
    }

    /**
     * The scores, flags and atlas of a {@code dora.json} (an absent atlas gives no points).
     *
     * @throws IOException if the file cannot be read or lacks {@code negative_outlier_factor}, or an outlier or
     *     atlas neuron is out of range
     */
    public static DoraLayer readLayer(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode nofNode = root == null ? null : root.get("negative_outlier_factor");
        if (nofNode == null || !nofNode.isArray()) {
            throw new IOException(file + ": no negative_outlier_factor array");
        }
        int k = nofNode.size();
        double[] nof = new double[k];
        for (int i = 0; i < k; i++) {
            nof[i] = nofNode.get(i).isNumber() ? nofNode.get(i).asDouble() : Double.NaN;
        }
        boolean[] outlier = new boolean[k];
        for (JsonNode o : root.path("outliers")) {
            outlier[index(o, k, file)] = true;
        }
        JsonNode atlas = root.path("atlas");
        JsonNode ids = atlas.path("neurons");
        int n = ids.size();
        if (atlas.path("x").size() != n || atlas.path("y").size() != n) {
            throw new IOException(file + ": atlas neurons, x and y differ in length");
        }
        int[] neurons = new int[n];
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            neurons[i] = index(ids.get(i), k, file);
            x[i] = atlas.path("x").get(i).asDouble();
            y[i] = atlas.path("y").get(i).asDouble();
        }
        return new DoraLayer(nof, outlier, neurons, x, y);
    }

    private static int index(JsonNode v, int k, Path file) throws IOException {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0 || v.asInt() >= k) {
            throw new IOException(file + ": neuron " + v + " is not in [0, " + k + ")");
        }
        return v.asInt();
    }

    private static void intArray(JsonGenerator json, String name, int[] values) throws IOException {
        json.writeFieldName(name);
        json.writeArray(values, 0, values.length);
    }

    private static void writeValue(JsonGenerator json, String key, Object v) throws IOException {
        if (v instanceof Integer i) {
            json.writeNumberField(key, i);
        } else if (v instanceof Long l) {
            json.writeNumberField(key, l);
        } else if (v instanceof Double d) {
            json.writeNumberField(key, d);
        } else if (v instanceof Boolean b) {
            json.writeBooleanField(key, b);
        } else {
            json.writeStringField(key, String.valueOf(v));
        }
    }
}
