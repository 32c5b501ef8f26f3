package io.neurowatch.ops.stream;

import java.util.ArrayList;
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
 * The latest value of every key of a compacted topic the analyzer itself publishes (labels, detectors), on every
 * instance: a global store, so that whichever instance owns a layer now starts from what its previous owner
 * published, and any instance can answer for any neuron. Updated on the global thread; reads are safe from any
 * thread and see what was committed (the global consumer reads committed records only).
 */
final class LatestTable {
    private final String store;
    private volatile KeyValueStore<Bytes, byte[]> kv;

    LatestTable(String store) {
        this.store = store;
    }

    String storeName() {
        return store;
    }

    /** The latest value of a key, or null. */
    byte[] get(byte[] key) {
        KeyValueStore<Bytes, byte[]> s = kv;
        return s == null ? null : s.get(Bytes.wrap(key));
    }

    /** Every key and its latest value, a snapshot in key order. */
    List<Map.Entry<byte[], byte[]>> all() {
        List<Map.Entry<byte[], byte[]>> out = new ArrayList<>();
        KeyValueStore<Bytes, byte[]> s = kv;
        if (s == null) {
            return out;
        }
        try (KeyValueIterator<Bytes, byte[]> it = s.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> e = it.next();
                out.add(Map.entry(e.key.get(), e.value));
            }
        }
        return out;
    }

    /** The global store's updater: a record replaces its key's value; a tombstone removes the key. */
    Processor<byte[], byte[], Void, Void> updater() {
        return new Processor<>() {
            private KeyValueStore<Bytes, byte[]> s;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                s = context.getStateStore(store);
                kv = s;
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                if (record.key() == null) {
                    return;
                }
                if (record.value() == null) {
                    s.delete(Bytes.wrap(record.key()));
                } else {
                    s.put(Bytes.wrap(record.key()), record.value());
                }
            }
        };
    }
}
