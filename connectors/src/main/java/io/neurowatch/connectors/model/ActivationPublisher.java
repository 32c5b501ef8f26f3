package io.neurowatch.connectors.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ActivationBatchCodec;
import io.neurowatch.core.wire.ConceptLabels;
import io.neurowatch.core.wire.FloatEncoding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.RecordMetadata;
import reactor.core.publisher.Flux;

/**
 * Publishes the pooled activations of an inference service's batches to Neurowatch: one wire-format
 * {@link ActivationBatch} record per layer per batch (docs/wire-format.md), keyed {@code model/layer}, with the
 * current time as timestamps and optional concept labels.
 *
 * <pre>{@code
 * try (TappedModel model = TappedModel.loadTorchScript(path, null, null);
 *      KafkaRecordSink sink = KafkaRecordSink.create("broker:9092")) {
 *     ActivationPublisher publisher = new ActivationPublisher(sink, "neurowatch.activations", "resnet18", "v1");
 *     // per request batch, x in a per-batch sub-manager:
 *     NDList out = model.forward(x);               // the service uses out.get(0) as its prediction
 *     publisher.publish(model.outputs(), out, List.of("layer4"), Pooling.MEAN, sampleIds, null).blockLast();
 * }
 * }</pre>
 *
 * <p>Activations are read and encoded when {@code publish} is called, so the arrays may be closed as soon as it
 * returns; the records are sent when the returned {@code Flux} is subscribed ({@code blockLast()} in a blocking
 * service, {@code subscribe()} to fire and forget). Thread-safe if the sink is (it is).
 */
public final class ActivationPublisher {
    private final KafkaRecordSink sink;
    private final String topic;
    private final String modelId;
    private final String modelVersion;
    private final FloatEncoding encoding;

    /** Float32 records. */
    public ActivationPublisher(KafkaRecordSink sink, String topic, String modelId, String modelVersion) {
        this(sink, topic, modelId, modelVersion, FloatEncoding.FLOAT32);
    }

    /**
     * @param encoding float16 halves the records (about three significant digits)
     * @throws IllegalArgumentException if the model id is empty
     */
    public ActivationPublisher(KafkaRecordSink sink, String topic, String modelId, String modelVersion,
                               FloatEncoding encoding) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.modelId = Objects.requireNonNull(modelId, "modelId");
        this.modelVersion = modelVersion == null ? "" : modelVersion;
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        if (modelId.isEmpty()) {
            throw new IllegalArgumentException("model id must not be empty");
        }
    }

    /** Runs {@code model} on {@code input} and publishes the chosen layers. */
    public Flux<RecordMetadata> publish(TappedModel model, NDArray input, List<String> layers, Pooling pooling,
                                        long[] sampleIds, int[][] conceptIds) {
        return publish(model.activations(input, layers, pooling), sampleIds, conceptIds);
    }

    /**
     * Publishes the chosen layers of an already computed forward result.
     *
     * @param names the name of every array of {@code outputs}, in order (e.g. {@link TappedModel#outputs()})
     * @throws IllegalArgumentException if the sizes differ or a layer is not among the names
     */
    public Flux<RecordMetadata> publish(List<String> names, NDList outputs, List<String> layers, Pooling pooling,
                                        long[] sampleIds, int[][] conceptIds) {
        if (names.size() != outputs.size()) {
            throw new IllegalArgumentException(outputs.size() + " outputs but " + names.size() + " names " + names);
        }
        Map<String, float[][]> rows = new LinkedHashMap<>();
        for (String layer : layers) {
            int i = names.indexOf(layer);
            if (i < 0) {
                throw new IllegalArgumentException("no output named '" + layer + "'; outputs are " + names);
            }
            rows.put(layer, pooling.rows(outputs.get(i)));
        }
        return publish(rows, sampleIds, conceptIds);
    }

    /** Publishes pooled activations, layer by layer in the map's order. */
    public Flux<RecordMetadata> publish(Map<String, float[][]> activations, long[] sampleIds, int[][] conceptIds) {
        List<ActivationBatch> batches = batches(activations, sampleIds, conceptIds, System.currentTimeMillis());
        List<Flux<RecordMetadata>> sends = new ArrayList<>(batches.size());
        for (ActivationBatch b : batches) {
            sends.add(sink.send(topic, b.key().getBytes(StandardCharsets.UTF_8), ActivationBatchCodec.encode(b,
                    encoding), null).flux());
        }
        return Flux.concat(sends);
    }

    /**
     * The records {@link #publish(Map, long[], int[][])} sends: one per layer, rows = samples.
     *
     * @param activations per layer, B rows of equal length
     * @param sampleIds B unique ids
     * @param conceptIds null, or B arrays of concept ids (each without repeats)
     * @throws IllegalArgumentException if a layer's row count is not B, rows differ in length, ids repeat, or a
     *     value is not finite (the message names the layer)
     */
    public List<ActivationBatch> batches(Map<String, float[][]> activations, long[] sampleIds, int[][] conceptIds,
                                         long timestampMillis) {
        int b = sampleIds.length;
        if (conceptIds != null && conceptIds.length != b) {
            throw new IllegalArgumentException(conceptIds.length + " label rows for " + b + " samples");
        }
        ConceptLabels labels = conceptIds == null ? null : ConceptLabels.of(conceptIds);
        long[] timestamps = new long[b];
        java.util.Arrays.fill(timestamps, timestampMillis);
        List<ActivationBatch> out = new ArrayList<>(activations.size());
        for (Map.Entry<String, float[][]> e : activations.entrySet()) {
            float[][] rows = e.getValue();
            if (rows.length != b) {
                throw new IllegalArgumentException("layer '" + e.getKey() + "' has " + rows.length + " rows for "
                        + b + " sample ids");
            }
            int d = b == 0 ? 0 : rows[0].length;
            float[] flat = new float[b * d];
            for (int i = 0; i < b; i++) {
                if (rows[i].length != d) {
                    throw new IllegalArgumentException("layer '" + e.getKey() + "' row " + i + " has "
                            + rows[i].length + " values, row 0 has " + d);
                }
                System.arraycopy(rows[i], 0, flat, i * d, d);
            }
            try {
                ActivationBatch batch = ActivationBatch.of(modelId, modelVersion, e.getKey(), sampleIds, d, flat)
                        .withTimestamps(timestamps);
                out.add(labels == null ? batch : batch.withLabels(labels));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("layer '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        }
        return out;
    }
}
