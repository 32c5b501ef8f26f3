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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM, bound to 127.0.0.1
 * only. For development ({@code neurowatch broker}) and integration tests.
 *
 * <p>Its data (metadata log and topic logs) lives under {@code workDir}: {@link #stop()} followed by {@link #start()}
 * keeps topics, records and committed offsets, and reuses the same ports, so clients reconnect to the same
 * {@link #bootstrapServers()}. Starting takes a few seconds (3-10 s on two cores).
 *
 * <p>Ports given as 0 are chosen at the first start: both at once, each socket held until the other is bound, so the
 * two can never coincide; should another process take one before Kafka binds it, the start is retried on new ports
 * (at most {@value #START_ATTEMPTS} times). Ports that were given are never changed.
 *
 * <p>Settings for one node: internal topics with replication 1, {@code group.initial.rebalance.delay.ms=0} so groups
 * form at once, {@code message.max.bytes} {@value #MESSAGE_MAX_BYTES} for large activation batches. Extra broker
 * properties may be given; the ones that decide addresses, identity and storage may not.
 *
 * <p>Thread-safe: lifecycle methods are synchronized and block until the broker is up or down. As in any Kafka
 * broker, a fatal storage or metadata error makes Kafka halt the process (this JVM), not throw.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    /** 16 MiB, so one record can carry a large activation batch. */
    public static final int MESSAGE_MAX_BYTES = 16 << 20;
    static final String PROPERTIES_FILE = "server.properties";
    static final String LOG_DIR = "kraft-logs";
    static final Set<String> MANAGED_KEYS = Set.of("process.roles", "node.id", "controller.quorum.voters",
            "controller.quorum.bootstrap.servers", "listeners", "advertised.listeners", "controller.listener.names",
            "inter.broker.listener.name", "listener.security.protocol.map", "log.dirs", "log.dir",
            "metadata.log.dir");
    private static final String HOST = "127.0.0.1";
    static final int START_ATTEMPTS = 5;

    private final Path workDir;
    private final Map<String, String> overrides;
    private final PortSource ports;
    private int brokerPort;
    private int controllerPort;
    /** Whether each port was chosen here (so a bind failure may be retried elsewhere) rather than given. */
    private final boolean pickBroker;
    private final boolean pickController;
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
        this(workDir, brokerPort, 0, overrides);
    }

    /**
     * A broker that has not started yet, with a given controller port.
     *
     * @param controllerPort the KRaft controller port on 127.0.0.1, or 0 to pick a free one at first start
     * @throws IllegalArgumentException for a port outside 0..65535, two equal non-zero ports, or an override of a
     *     managed key
     */
    public EmbeddedKafkaBroker(Path workDir, int brokerPort, int controllerPort, Map<String, String> overrides) {
        this(workDir, brokerPort, controllerPort, overrides, EmbeddedKafkaBroker::freePorts);
    }

    EmbeddedKafkaBroker(Path workDir, int brokerPort, int controllerPort, Map<String, String> overrides,
                        PortSource ports) {
        this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath();
        checkPort("Broker", brokerPort);
        checkPort("Controller", controllerPort);
        if (brokerPort != 0 && brokerPort == controllerPort) {
            throw new IllegalArgumentException("Broker and controller ports must differ, both were " + brokerPort);
        }
        this.ports = Objects.requireNonNull(ports, "ports");
        for (String key : overrides.keySet()) {
            if (MANAGED_KEYS.contains(key)) {
                throw new IllegalArgumentException("Broker property " + key
                        + " is managed by EmbeddedKafkaBroker (loopback listeners, one node, storage under workDir)");
            }
        }
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.pickBroker = brokerPort == 0;
        this.pickController = controllerPort == 0;
        this.overrides = Map.copyOf(overrides);
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " port must be in 0..65535, was " + port);
        }
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
        boolean firstStart = lastStartDuration == null;
        for (int attempt = 1; ; attempt++) {
            boolean picked = firstStart && (pickBroker || pickController);
            if (firstStart) {
                int[] free = ports.freePorts(2);
                brokerPort = pickBroker ? free[0] : brokerPort;
                controllerPort = pickController ? (free[1] == brokerPort ? free[0] : free[1]) : controllerPort;
            }
            try {
                server = startServer();
                break;
            } catch (RuntimeException e) {
                if (!picked || attempt >= START_ATTEMPTS || !isBindFailure(e)) {
                    if (firstStart && pickBroker) {
                        brokerPort = 0;
                    }
                    throw e;
                }
                LOG.warn("Embedded Kafka could not bind 127.0.0.1:{}/{} ({}); retrying on other ports", brokerPort,
                        controllerPort, e.getMessage());
            }
        }
        lastStartDuration = Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Kafka's wording for a listener whose port is taken (raised from the socket server as a KafkaException). */
    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("failed to bind")
                    || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private KafkaRaftServer startServer() throws IOException {
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
        return s;
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

    /** The client and controller ports, as bound; 0 for a port not chosen yet. */
    public synchronized int controllerPort() {
        return controllerPort;
    }

    /** Where free ports come from; tests hand out taken ones to exercise the retry. */
    @FunctionalInterface
    interface PortSource {
        int[] freePorts(int count) throws IOException;
    }

    /** {@code count} distinct free ports on 127.0.0.1: every socket stays bound until all are, so none repeats. */
    static int[] freePorts(int count) throws IOException {
        java.util.List<ServerSocket> held = new java.util.ArrayList<>();
        try {
            int[] out = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket();
                held.add(s);
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                out[i] = s.getLocalPort();
            }
            return out;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
