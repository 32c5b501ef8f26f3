package io.neurowatch.ops.cli;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the stand-in inference services ({@code replay}, {@code infer}) publish activation batches. */
final class PublishOptions {
    @Option(names = "--topic", defaultValue = "neurowatch.activations",
            description = "activations topic (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
            description = "any Kafka producer property (SASL, TLS, ...); repeatable")
    Map<String, String> producerProperties = new HashMap<>();

    /** The producer's configuration: the given properties, then {@code --bootstrap-servers}. */
    Map<String, Object> producerConfig() {
        Map<String, Object> props = new HashMap<>(producerProperties);
        props.put("bootstrap.servers", bootstrap);
        return props;
    }
}
