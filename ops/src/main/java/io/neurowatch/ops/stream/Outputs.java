package io.neurowatch.ops.stream;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A task's outputs, one method per sink of the topology: whatever a stage publishes goes through the task's Kafka
 * Streams context, so it commits (under exactly-once) in the same transaction as the input offsets that caused it.
 *
 * <p>The layer processor is the updater of a read-only state store, which Kafka Streams types as having no outputs;
 * its children are sinks all the same, so the context is used untyped here, in this one place.
 */
final class Outputs implements AlertStage.Sink, LabelStage.Sink {
    static final String DEAD_LETTERS = "dead-letters-sink";
    static final String ALERTS = "alerts-sink";
    static final String LABELS = "labels-sink";
    static final String LABEL_EVENTS = "label-events-sink";
    static final String DETECTORS = "detectors-sink";

    @SuppressWarnings("rawtypes")
    private final ProcessorContext context;
    private final byte[] instance;
    private final java.util.function.Consumer<byte[]> events;

    /** @param events receives the JSON of every alert and label-change event, for the dashboard's live stream */
    @SuppressWarnings("rawtypes")
    Outputs(ProcessorContext context, String instance, java.util.function.Consumer<byte[]> events) {
        this.context = context;
        this.instance = instance.getBytes(StandardCharsets.UTF_8);
        this.events = events;
    }

    /**
     * A record that cannot be processed, with its reason, detail and source coordinates as headers.
     *
     * @param value what to publish: the record, or its first bytes when it is larger than the topic takes
     */
    void deadLetter(byte[] key, byte[] value, Map<String, String> headers, long timestamp) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        forward(DEAD_LETTERS, new Record<>(key, value, timestamp, h));
    }

    @Override
    public void alert(byte[] key, byte[] json) {
        forward(ALERTS, new Record<>(key, json, context.currentSystemTimeMs()));
        events.accept(json);
    }

    @Override
    public void detector(byte[] key, byte[] json) {
        forward(DETECTORS, new Record<>(key, json, context.currentSystemTimeMs()));
    }

    /** A label, with the publishing instance's name (header {@code neurowatch.instance}). */
    @Override
    public void label(byte[] key, byte[] json) {
        forward(LABELS, new Record<>(key, json, context.currentSystemTimeMs(), publisher()));
    }

    @Override
    public void event(byte[] key, byte[] json) {
        forward(LABEL_EVENTS, new Record<>(key, json, context.currentSystemTimeMs(), publisher()));
        events.accept(json);
    }

    private RecordHeaders publisher() {
        RecordHeaders h = new RecordHeaders();
        h.add("neurowatch.instance", instance);
        return h;
    }

    @SuppressWarnings("unchecked")
    private void forward(String sink, Record<byte[], byte[]> record) {
        context.forward(record, sink);
    }
}
