package io.neurowatch.ops.stream;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The analyzer as a Kafka Streams topology: two sub-topologies and three global tables.
 * <pre>
 *   activations ─► layers (LayerProcessor, one task per partition; LayerStateStore restored from this topic)
 *                    ├─► dead letters   ├─► alerts   ├─► labels   ├─► label events   └─► detectors
 *   annotations ─► annotation door (AnnotationValidator) ─► validated annotations   └─► dead letters
 *
 *   global tables on every instance: validated annotations (AnnotationTable), labels and detectors (LatestTable)
 * </pre>
 * A layer's record key puts it in one partition, hence one task, owned by one instance at a time.
 */
final class AnalyzerTopology {
    static final String LABELS_STORE = "labels";
    static final String DETECTORS_STORE = "detectors";

    private AnalyzerTopology() {
    }

    /** The analyzer's own topics besides the configured ones, named after the group so that groups keep apart. */
    record InternalTopics(String validAnnotations, String detectors) {
        static InternalTopics of(String groupId) {
            return new InternalTopics(groupId + ".annotations-valid", groupId + ".detectors");
        }
    }

    static Topology build(TaskServices services, LayerStateStore.Builder state, InternalTopics internal) {
        Topics topics = services.config().topics();
        ByteArrayDeserializer in = new ByteArrayDeserializer();
        ByteArraySerializer out = new ByteArraySerializer();
        Topology t = new Topology();

        t.addReadOnlyStateStore(state, "activations", in, in, topics.activations(), "layers",
                () -> new LayerProcessor(services));
        t.addSink(Outputs.DEAD_LETTERS, topics.deadLetters(), out, out, "layers");
        t.addSink(Outputs.ALERTS, topics.alerts(), out, out, "layers");
        t.addSink(Outputs.LABELS, topics.labels(), out, out, "layers");
        t.addSink(Outputs.LABEL_EVENTS, topics.labelEvents(), out, out, "layers");
        t.addSink(Outputs.DETECTORS, internal.detectors(), out, out, "layers");

        t.addSource("annotations", in, in, topics.annotations());
        t.addProcessor("annotation-door", () -> new AnnotationValidator(services.config().ingest().maxRecordBytes(),
                services.meters()), "annotations");
        t.addSink(AnnotationValidator.VALID, internal.validAnnotations(), out, out, "annotation-door");
        t.addSink(AnnotationValidator.DEAD_LETTERS, topics.deadLetters(), out, out, "annotation-door");

        t.addGlobalStore(table(AnnotationTable.STORE), "annotations-table-source", in, in,
                internal.validAnnotations(), "annotations-table",
                () -> new AnnotationTable.Updater(services.annotations()));
        t.addGlobalStore(table(LABELS_STORE), "labels-table-source", in, in, topics.labels(), "labels-table",
                services.labels()::updater);
        t.addGlobalStore(table(DETECTORS_STORE), "detectors-table-source", in, in, internal.detectors(),
                "detectors-table", services.detectors()::updater);
        return t;
    }

    /** A global table: RocksDB, rebuilt from its topic, no cache (read from other threads). */
    private static StoreBuilder<KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>> table(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled();
    }
}
