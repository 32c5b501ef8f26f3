package io.neurowatch.ops.stream;

import io.neurowatch.core.wire.SampleAnnotation;
import io.neurowatch.core.wire.SampleAnnotationCodec;
import io.neurowatch.core.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Every valid annotation of the group, on every instance: a global store over the analyzer's validated-annotations
 * topic, so that a task joins annotations to its layers' samples wherever the activations live, whichever instance
 * the annotation's record reached. Two views of one RocksDB store:
 * <ul>
 *   <li>by sample ({@code model}, {@code sampleId}): the latest concepts, and the position of the sample's
 *   <em>first</em> annotation, which is the one the statistics count (a sample counts once);</li>
 *   <li>by arrival ({@code partition}, {@code offset}): what arrived after a position, for a task's late join.</li>
 * </ul>
 * Kept up to date by {@link Updater} on the global thread, also when the store is rebuilt from the topic, so both
 * views always agree. Reads are safe from any thread.
 */
final class AnnotationTable {
    static final String STORE = "annotations";

    /** A sample's annotation: its latest concepts and where its first annotation arrived. */
    record Entry(int[] concepts, int firstPartition, long firstOffset) {
    }

    /** An arrival: the annotation at {@code offset} of a partition, for (model, sampleId). */
    record Arrival(long offset, String model, long sampleId) {
    }

    private static final byte BY_SAMPLE = 'a';
    private static final byte BY_ARRIVAL = 'i';
    private static final byte NEWEST = 'n';

    private volatile KeyValueStore<Bytes, byte[]> store;
    private final java.util.concurrent.atomic.AtomicLong samples = new java.util.concurrent.atomic.AtomicLong();

    /** Set by the updater when the global store opens (before any task processes, Kafka Streams' guarantee). */
    void attach(KeyValueStore<Bytes, byte[]> s) {
        store = s;
    }

    boolean attached() {
        return store != null;
    }

    /** Samples with an annotation that this instance's table took since it started (rebuilds included). */
    long samplesAnnotated() {
        return samples.get();
    }

    /** The annotation of a sample, or null. */
    Entry lookup(String model, long sampleId) {
        KeyValueStore<Bytes, byte[]> s = store;
        byte[] v = s == null ? null : s.get(sampleKey(model, sampleId));
        return v == null ? null : decodeEntry(v);
    }

    /** Per partition of the validated topic, the newest offset the table holds. */
    Map<Integer, Long> newestOffsets() {
        Map<Integer, Long> out = new LinkedHashMap<>();
        KeyValueStore<Bytes, byte[]> s = store;
        if (s == null) {
            return out;
        }
        try (KeyValueIterator<Bytes, byte[]> it = s.prefixScan(new byte[] {NEWEST}, (t, b) -> b)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                out.put(ByteBuffer.wrap(kv.key.get(), 1, 4).getInt(), ByteBuffer.wrap(kv.value).getLong());
            }
        }
        return out;
    }

    /** Up to {@code max} arrivals in {@code partition} after {@code afterOffset}, in offset order. */
    List<Arrival> since(int partition, long afterOffset, int max) {
        List<Arrival> out = new ArrayList<>();
        KeyValueStore<Bytes, byte[]> s = store;
        if (s == null || afterOffset == Long.MAX_VALUE) {
            return out;
        }
        try (KeyValueIterator<Bytes, byte[]> it = s.range(arrivalKey(partition, afterOffset + 1),
                arrivalKey(partition, Long.MAX_VALUE))) {
            while (it.hasNext() && out.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                long offset = ByteBuffer.wrap(kv.key.get(), 5, 8).getLong();
                ByteBuffer v = ByteBuffer.wrap(kv.value);
                long sampleId = v.getLong();
                byte[] model = new byte[v.remaining()];
                v.get(model);
                out.add(new Arrival(offset, new String(model, StandardCharsets.UTF_8), sampleId));
            }
        }
        return out;
    }

    private static Bytes sampleKey(String model, long sampleId) {
        byte[] m = model.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + m.length + 8).put(BY_SAMPLE).put(m).putLong(sampleId).array());
    }

    private static Bytes arrivalKey(int partition, long offset) {
        return Bytes.wrap(ByteBuffer.allocate(13).put(BY_ARRIVAL).putInt(partition).putLong(offset).array());
    }

    private static Bytes newestKey(int partition) {
        return Bytes.wrap(ByteBuffer.allocate(5).put(NEWEST).putInt(partition).array());
    }

    private static byte[] encodeEntry(Entry e) {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 4 + 4 * e.concepts().length);
        b.putInt(e.firstPartition()).putLong(e.firstOffset()).putInt(e.concepts().length);
        for (int c : e.concepts()) {
            b.putInt(c);
        }
        return b.array();
    }

    private static Entry decodeEntry(byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        int partition = b.getInt();
        long offset = b.getLong();
        int[] concepts = new int[b.getInt()];
        for (int i = 0; i < concepts.length; i++) {
            concepts[i] = b.getInt();
        }
        return new Entry(concepts, partition, offset);
    }

    /**
     * The global store's updater: files each validated annotation under its sample (keeping the first arrival's
     * position) and under its arrival. Records were validated before they reached the topic; one that still fails
     * to decode is skipped (it cannot be dead-lettered from the global thread, and it came from this analyzer).
     */
    static final class Updater implements Processor<byte[], byte[], Void, Void> {
        private final AnnotationTable table;
        private ProcessorContext<Void, Void> context;
        private KeyValueStore<Bytes, byte[]> store;

        Updater(AnnotationTable table) {
            this.table = table;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
            table.attach(store);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            var meta = context.recordMetadata().orElseThrow();
            SampleAnnotation a;
            try {
                a = SampleAnnotationCodec.decode(record.value());
            } catch (WireFormatException | RuntimeException e) {
                return;
            }
            Bytes key = sampleKey(a.modelId(), a.sampleId());
            byte[] old = store.get(key);
            Entry previous = old == null ? null : decodeEntry(old);
            Entry now = previous == null ? new Entry(a.conceptIds(), meta.partition(), meta.offset())
                    : new Entry(a.conceptIds(), previous.firstPartition(), previous.firstOffset());
            if (previous == null) {
                table.samples.incrementAndGet();
            }
            byte[] m = a.modelId().getBytes(StandardCharsets.UTF_8);
            store.put(key, encodeEntry(now));
            store.put(arrivalKey(meta.partition(), meta.offset()),
                    ByteBuffer.allocate(8 + m.length).putLong(a.sampleId()).put(m).array());
            store.put(newestKey(meta.partition()), ByteBuffer.allocate(8).putLong(meta.offset()).array());
        }
    }
}
