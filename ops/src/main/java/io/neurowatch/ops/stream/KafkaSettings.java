package io.neurowatch.ops.stream;

import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the analyzer's Kafka is, which group it belongs to, and the topics it reads and writes.
 *
 * @param bootstrapServers Kafka bootstrap servers (null before an embedded broker is started)
 * @param groupId the consumer group (instances with the same id share the partitions)
 * @param partitions partitions of every topic the analyzer creates
 * @param topics topic names
 * @param clientProperties {@code kafka.*} pass-through properties for every client (SASL, TLS, …)
 */
public record KafkaSettings(String bootstrapServers, String groupId, int partitions, Topics topics,
                            Map<String, Object> clientProperties) {
    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.optionalString("bootstrap.servers",
            "embedded broker", "Kafka bootstrap servers; without them `serve` and `demo` start an embedded broker on "
                    + "127.0.0.1");
    public static final Setting<String> GROUP_ID = Setting.string("group.id", "neurowatch-analyzer",
            "consumer group of the analyzer; instances with the same group share the partitions (own work dirs)");
    public static final Setting<Integer> PARTITIONS = Setting.integer("partitions", 3,
            "partitions of every topic the analyzer creates (an existing topic is left as it is, and reported when "
                    + "it has fewer)", Setting.atLeast(1));
    public static final Setting<String> ACTIVATIONS = topic("activations",
            "wire-format activation batches, key `model/layer`");
    public static final Setting<String> ANNOTATIONS = topic("annotations",
            "late labels (`SampleAnnotation`), key `model/sampleId`");
    public static final Setting<String> LABELS = topic("labels", "latest label per neuron and method (compacted)");
    public static final Setting<String> LABEL_EVENTS = topic("label-events", "label-changed (drift) events");
    public static final Setting<String> DEAD_LETTERS = topic("dead-letters",
            "records that cannot be processed, with the reason in headers");
    public static final Setting<String> ALERTS = topic("alerts", "artifact and infected-neuron alerts");

    public static final SettingsTable.Group GROUP = new SettingsTable.Group("kafka",
            "The cluster, the consumer group and the topics (created if missing).",
            List.of(BOOTSTRAP_SERVERS, GROUP_ID, PARTITIONS, ACTIVATIONS, ANNOTATIONS, LABELS, LABEL_EVENTS,
                    DEAD_LETTERS, ALERTS));
    /** Keys {@code kafka.<property>} are handed to every Kafka client unparsed. */
    public static final SettingsTable.Prefix CLIENT_PREFIX = new SettingsTable.Prefix("kafka.",
            "passed to every Kafka client, e.g. `kafka.security.protocol=SASL_SSL`");

    public KafkaSettings {
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaSettings from(SettingValues v) {
        return new KafkaSettings(v.get(BOOTSTRAP_SERVERS), v.get(GROUP_ID), v.get(PARTITIONS),
                new Topics(v.get(ACTIVATIONS), v.get(ANNOTATIONS), v.get(LABELS), v.get(LABEL_EVENTS),
                        v.get(DEAD_LETTERS), v.get(ALERTS)),
                new HashMap<>(v.passthrough(CLIENT_PREFIX.prefix())));
    }

    /** The client properties plus the bootstrap servers, for any Kafka client. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    private static Setting<String> topic(String name, String doc) {
        return Setting.string("topics." + name, "neurowatch." + name, doc);
    }
}
