package io.neurowatch.ops.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM, bound to 127.0.0.1
 * only. For development ({@code neurowatch broker}) and integration tests.
 *
 * <p>Its data (metadata log and topic logs) lives under {@code workDir}: {@link #stop()} followed by {@link #start()}
 * keeps topics, records and committed offsets, and reuses the same ports, so clients reconnect to the same
 * {@link #bootstrapServers()}. Starting takes a few seconds (3-10 s on two cores).
 *
 * <p>Settings for one node: internal topics with replication 1, {@code group.initial.rebalance.delay.ms=0} so groups
 * form at once, {@code message.max.bytes} {@value #MESSAGE_MAX_BYTES} for large activation batches. Extra broker
 * properties may be given; the ones that decide addresses, identity and storage may not.
 *
 * <p>Thread-safe: lifecycle methods are synchronized and block until the broker is up or down. As in any Kafka
 * broker, a fatal storage or metadata error makes Kafka halt the process (this JVM), not throw.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    /** 16 MiB, so one record can carry a large activation batch. */
    public static final int MESSAGE_MAX_BYTES = 16 << 20;
    static final String PROPERTIES_FILE = "server.properties";
    static final String LOG_DIR = "kraft-logs";
    static final Set<String> MANAGED_KEYS = Set.of("process.roles", "node.id", "controller.quorum.voters",
            "controller.quorum.bootstrap.servers", "listeners", "advertised.listeners", "controller.listener.names",
            "inter.broker.listener.name", "listener.security.protocol.map", "log.dirs", "log.dir",
            "metadata.log.dir");
    private static final String HOST = "127.0.0.1";

    private final Path workDir;
    private final Map<String, String> overrides;
    private int brokerPort;
    private int controllerPort;
    private KafkaRaftServer server;
    private Duration lastStartDuration;
    private boolean closed;

    /**
     * A broker that has not started yet.
     *
     * @param workDir where the broker keeps its data; created if missing
     * @param brokerPort the client port on 127.0.0.1, or 0 to pick a free one at first start
     * @param overrides extra broker properties, applied last
     * @throws IllegalArgumentException for a port outside 0..65535 or an override of a managed key
     */
    public EmbeddedKafkaBroker(Path workDir, int brokerPort, Map<String, String> overrides) {
        this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath();
        if (brokerPort < 0 || brokerPort > 65535) {
            throw new IllegalArgumentException("Broker port must be in 0..65535, was " + brokerPort);
        }
        for (String key : overrides.keySet()) {
            if (MANAGED_KEYS.contains(key)) {
                throw new IllegalArgumentException("Broker property " + key
                        + " is managed by EmbeddedKafkaBroker (loopback listeners, one node, storage under workDir)");
            }
        }
        this.brokerPort = brokerPort;
        this.overrides = Map.copyOf(overrides);
    }

    /** Creates and starts a broker on free ports with default settings. Blocks until it accepts clients. */
    public static EmbeddedKafkaBroker start(Path workDir) throws IOException {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(workDir, 0, Map.of());
        broker.start();
        return broker;
    }

    /**
     * Formats the storage if this is the first start, then starts the broker. Blocks until the broker has registered
     * with its controller and accepts clients.
     *
     * @throws IllegalStateException if it is running or closed
     * @throws IOException if the work directory or properties file cannot be written, or a port is taken
     * @throws RuntimeException Kafka's exception if the broker fails to start (it is shut down again)
     */
    public synchronized void start() throws IOException {
        if (closed) {
            throw new IllegalStateException("The embedded Kafka broker is closed");
        }
        if (server != null) {
            throw new IllegalStateException("The embedded Kafka broker is already running at " + bootstrapServers());
        }
        long t0 = System.nanoTime();
        Files.createDirectories(workDir);
        if (brokerPort == 0) {
            brokerPort = freePort();
        }
        if (controllerPort == 0) {
            controllerPort = freePort();
        }
        Properties props = properties();
        Path file = workDir.resolve(PROPERTIES_FILE);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(w, "Written by EmbeddedKafkaBroker at each start; edits are overwritten");
        }
        format(file);
        KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException e) {
            try {
                s.shutdown();
                s.awaitShutdown();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        server = s;
        lastStartDuration = Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * Shuts the broker down cleanly (logs flushed), keeping its data. Blocks until done. Does nothing if not running.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer s = server;
        server = null;
        s.shutdown();
        s.awaitShutdown();
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * {@code 127.0.0.1:port}, stable across restarts.
     *
     * @throws IllegalStateException before the first start
     */
    public synchronized String bootstrapServers() {
        if (brokerPort == 0) {
            throw new IllegalStateException("The embedded Kafka broker has not been started");
        }
        return HOST + ":" + brokerPort;
    }

    public Path workDir() {
        return workDir;
    }

    /** How long the last {@link #start()} took, formatting included; null before the first start. */
    public synchronized Duration lastStartDuration() {
        return lastStartDuration;
    }

    /** Stops the broker if running; afterwards it cannot be started again. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        stop();
    }

    private Properties properties() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":"
                + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", workDir.resolve(LOG_DIR).toString());
        // One node: every internal topic must fit on it, and one partition each keeps startup short.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("message.max.bytes", Integer.toString(MESSAGE_MAX_BYTES));
        p.setProperty("replica.fetch.max.bytes", Integer.toString(MESSAGE_MAX_BYTES));
        // The cleaner's default 128 MiB dedupe buffer is sized for production; compacted dev topics are small.
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
        overrides.forEach(p::setProperty);
        return p;
    }

    /** Writes meta.properties and the bootstrap snapshot on the first start; later starts keep the existing ones. */
    private void format(Path propertiesFile) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", clusterId(), "-c", propertiesFile.toString(),
                "--ignore-formatted"}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("Formatting Kafka storage under " + workDir.resolve(LOG_DIR)
                    + " failed (exit " + rc + "): " + out.toString(StandardCharsets.UTF_8).trim());
        }
    }

    /** The formatted storage's id if there is one: even with --ignore-formatted the tool rejects a different id. */
    private String clusterId() throws IOException {
        Path meta = workDir.resolve(LOG_DIR).resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            String id = p.getProperty("cluster.id");
            if (id != null) {
                return id;
            }
        }
        return Uuid.randomUuid().toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return s.getLocalPort();
        }
    }
}
