package io.neurowatch.ops.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurowatch.analyzers.artifacts.ArtifactAlert;
import io.neurowatch.analyzers.artifacts.ArtifactDetector;
import java.nio.charset.StandardCharsets;

/**
 * Alerts as JSON on the alerts topic and the dashboard's event stream. Every alert has a {@code type}:
 * {@code artifact} (a sample fired a detector) or {@code infected_neuron} (DORA flagged a neuron). Fields in
 * docs/streaming.md#alerts.
 */
public final class AlertJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertJson() {
    }

    /** Alerts of one neuron share a key, so they stay in order on a partition. */
    public static byte[] key(ArtifactDetector d) {
        return d.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param source {@code topic-partition@offset} of the record that carried the sample: a consumer can
     *               de-duplicate alerts re-sent after a crash by (source, sample id, neuron)
     * @param scoredAtMillis when the analyzer scored the sample
     */
    public static byte[] artifact(ArtifactAlert a, String source, long scoredAtMillis) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "artifact");
        neuron(n, a.detector());
        n.put("sample_id", a.sampleId());
        n.put("activation", a.activation());
        n.put("percentile", a.percentile());
        n.put("threshold", a.threshold());
        n.put("sample_time", a.sampleTimeMillis());
        n.put("time", scoredAtMillis);
        n.put("source", source);
        return write(n);
    }

    /**
     * @param rank position in DORA's outlier ranking (0 = most outlying)
     * @param nof the negative outlier factor (lower = more outlying)
     */
    public static byte[] infected(ArtifactDetector d, String modelVersion, int rank, double nof, long timeMillis) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "infected_neuron");
        neuron(n, d);
        n.put("model_version", modelVersion);
        n.put("method", "dora");
        n.put("rank", rank);
        n.put("nof", nof);
        n.put("time", timeMillis);
        return write(n);
    }

    private static void neuron(ObjectNode n, ArtifactDetector d) {
        n.put("model", d.model());
        n.put("layer", d.layer());
        n.put("neuron", d.neuron());
    }

    private static byte[] write(ObjectNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a tree of scalars always serializes", e);
        }
    }
}
