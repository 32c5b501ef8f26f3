package io.neurowatch.ops.cli;

import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code neurowatch broker}: a single-node Kafka broker on 127.0.0.1 for development, until Ctrl-C. Data stays in the
 * work directory, so a later run with the same directory has the same topics and records.
 */
@Command(name = "broker", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a single-node Kafka broker (KRaft) on 127.0.0.1 until Ctrl-C; data persists in --work-dir.")
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--work-dir", required = true, description = "folder for the broker's logs and metadata")
    Path workDir;

    @Option(names = "--port", defaultValue = "0",
            description = "client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--controller-port", defaultValue = "0",
            description = "KRaft controller port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int controllerPort;

    @Override
    public Integer call() throws Exception {
        quietKafkaLogs();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(workDir, port, controllerPort, Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C runs shutdown hooks; closing there flushes the logs so the next run finds every record.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } finally {
                stopped.countDown();
            }
        }, "neurowatch-broker-shutdown"));
        broker.start();
        System.out.printf("Kafka broker ready in %.1f s. bootstrap.servers=%s (data: %s). Ctrl-C stops it.%n",
                broker.lastStartDuration().toMillis() / 1e3, broker.bootstrapServers(), broker.workDir());
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Kafka logs every startup step at INFO; show warnings only, unless -Dneurowatch.debug or levels set by the user. */
    private static void quietKafkaLogs() {
        if (Boolean.getBoolean("neurowatch.debug")) {
            return;
        }
        for (String logger : new String[] {"kafka", "org.apache.kafka", "state.change.logger"}) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }
}
