package io.neurowatch.connectors.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import reactor.core.publisher.Mono;

/**
 * Creates topics if they are missing and reads back what exists, over a Kafka {@link Admin} client this object owns.
 *
 * <p>Non-blocking: every method returns a lazy {@link Mono} (nothing is sent until it is subscribed), which completes
 * on the admin client's thread; use {@code block()} off reactive threads if a caller needs to wait. Thread-safe.
 * Errors are Kafka's exceptions, unwrapped (e.g. {@code TopicAuthorizationException},
 * {@code InvalidReplicationFactorException}, {@code UnknownTopicOrPartitionException}).
 */
public final class KafkaTopics implements AutoCloseable {
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Admin admin;

    /**
     * Creates the admin client (it connects lazily). Any admin client property passes through (SASL, TLS, ...).
     *
     * @throws org.apache.kafka.common.KafkaException if Kafka rejects the configuration
     */
    public KafkaTopics(Map<String, Object> adminProperties) {
        this.admin = Admin.create(ClientProperties.copyOf(Objects.requireNonNull(adminProperties, "adminProperties")));
    }

    public static KafkaTopics create(String bootstrapServers) {
        return new KafkaTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Creates the topic unless one of that name exists. An existing topic is left as it is, even if its partitions or
     * configs differ from {@code spec}: compare with {@link #describe} and {@link #configs} if that matters.
     *
     * @return true if this call created the topic, false if it already existed
     */
    public Mono<Boolean> createIfMissing(TopicSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return Mono.defer(() -> fromFuture(admin.createTopics(List.of(spec.toNewTopic())).all()))
                .thenReturn(true)
                .onErrorResume(TopicExistsException.class, e -> Mono.just(false));
    }

    /** The topic's partitions and replicas. */
    public Mono<TopicDescription> describe(String topic) {
        Objects.requireNonNull(topic, "topic");
        return Mono.defer(() -> fromFuture(admin.describeTopics(List.of(topic)).allTopicNames()))
                .map(all -> all.get(topic));
    }

    /** The topic's effective configs (overrides and defaults), by name. */
    public Mono<Map<String, String>> configs(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, Objects.requireNonNull(topic, "topic"));
        return Mono.defer(() -> fromFuture(admin.describeConfigs(List.of(resource)).all()))
                .map(all -> {
                    Config config = all.get(resource);
                    Map<String, String> out = new HashMap<>();
                    config.entries().forEach(e -> out.put(e.name(), e.value()));
                    return out;
                });
    }

    private static <T> Mono<T> fromFuture(KafkaFuture<T> future) {
        return Mono.fromCompletionStage(future.toCompletionStage())
                .onErrorMap(CompletionException.class, e -> e.getCause() == null ? e : e.getCause());
    }

    /** Closes the admin client, waiting at most 10 s for requests in flight. Blocks; idempotent. */
    @Override
    public void close() {
        admin.close(DEFAULT_CLOSE_TIMEOUT);
    }
}
