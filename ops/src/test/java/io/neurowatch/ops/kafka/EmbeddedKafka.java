package io.neurowatch.ops.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension: one real {@link EmbeddedKafkaBroker} per test class, injected as a parameter into
 * {@code @BeforeAll}, {@code @Test} and other methods; closed and its directory deleted after the class.
 */
public final class EmbeddedKafka implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmbeddedKafka.class);

    static {
        // Kafka logs each startup step at INFO through slf4j-simple; keep warnings. Levels are read per logger at
        // creation, so this works as long as it runs before the first Kafka logger is made.
        for (String logger : new String[] {"kafka", "org.apache.kafka", "state.change.logger"}) {
            System.setProperty("org.slf4j.simpleLogger.log." + logger,
                    System.getProperty("org.slf4j.simpleLogger.log." + logger, "warn"));
        }
        // Kafka Streams' global consumer warns at every seek of a global table ("no longer assigned"), harmlessly.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils",
                "error");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dir = Files.createTempDirectory("nw-kafka-");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0, Map.of());
        broker.start();
        System.out.printf("Embedded Kafka for %s started in %d ms at %s%n", context.getDisplayName(),
                broker.lastStartDuration().toMillis(), broker.bootstrapServers());
        context.getStore(NS).put(EmbeddedKafkaBroker.class, broker);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        EmbeddedKafkaBroker broker = context.getStore(NS).remove(EmbeddedKafkaBroker.class, EmbeddedKafkaBroker.class);
        if (broker == null) {
            return;
        }
        try {
            broker.close();
        } finally {
            deleteTree(broker.workDir());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NS).get(EmbeddedKafkaBroker.class, EmbeddedKafkaBroker.class);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
