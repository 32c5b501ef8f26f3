package io.neurowatch.ops.stream;

import io.neurowatch.core.wire.SampleAnnotation;
import io.neurowatch.core.wire.SampleAnnotationCodec;
import io.neurowatch.core.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The annotations' door: each record of the annotations topic is decoded and checked; a valid one is republished,
 * keyed {@code model/sampleId}, to the analyzer's validated-annotations topic, which every instance reads into its
 * {@link AnnotationTable}; an invalid one is a dead letter with its reason. (A global store's own reader cannot
 * publish dead letters, hence the extra topic.)
 */
final class AnnotationValidator implements Processor<byte[], byte[], byte[], byte[]> {
    static final String VALID = "annotations-valid-sink";
    /** Its own dead-letter sink: one shared with the layer tasks would join the two sub-topologies into one. */
    static final String DEAD_LETTERS = "annotation-dead-letters-sink";
    private static final Logger LOG = LoggerFactory.getLogger(AnnotationValidator.class);

    private final int maxRecordBytes;
    private final TaskServices.Meters meters;
    private ProcessorContext<byte[], byte[]> context;

    AnnotationValidator(int maxRecordBytes, TaskServices.Meters meters) {
        this.maxRecordBytes = maxRecordBytes;
        this.meters = meters;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        try {
            if (record.value() == null) {
                throw new WireFormatException(WireFormatException.Reason.TRUNCATED, 0, "empty record value");
            }
            SampleAnnotation a = SampleAnnotationCodec.decode(ByteBuffer.wrap(record.value()), maxRecordBytes);
            byte[] key = (a.modelId() + "/" + a.sampleId()).getBytes(StandardCharsets.UTF_8);
            context.forward(new Record<>(key, record.value(), record.timestamp()), VALID);
        } catch (WireFormatException e) {
            meters.deadLetters().increment();
            String source = meta.topic() + "-" + meta.partition() + "@" + meta.offset();
            LOG.warn("dead letter {}: {} {}", source, e.reason(), e.getMessage());
            RecordHeaders h = new RecordHeaders();
            h.add("neurowatch.reason", e.reason().name().getBytes(StandardCharsets.UTF_8));
            h.add("neurowatch.detail", e.getMessage().getBytes(StandardCharsets.UTF_8));
            h.add("neurowatch.source", source.getBytes(StandardCharsets.UTF_8));
            byte[] value = record.value() == null ? new byte[0] : record.value();
            context.forward(new Record<>(record.key(), value, record.timestamp(), h), DEAD_LETTERS);
        }
    }
}
