package io.neurowatch.ops.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.ops.stream.LabelJson;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The operations HTTP server (Reactor Netty): Prometheus metrics, liveness and readiness, the current labels as
 * JSON, the dashboard's read API ({@link DashboardApi}: models, neuron tables, neurons, atlases, recent alerts,
 * neuron images), the alert stream as Server-Sent Events, and the dashboard. Endpoints and security rules:
 * docs/http.md.
 *
 * <p>Binds 127.0.0.1 by default. Binding a non-loopback address needs {@link Builder#allowRemote(boolean)} and a
 * non-blank {@link Builder#bearerToken(String) bearer token}; whenever a token is set, every request must carry
 * {@code Authorization: Bearer <token>} (401 otherwise). Without a token (loopback only), requests whose
 * {@code Host} is not a loopback name are refused (403), which defeats DNS rebinding from a browser.
 *
 * <pre>{@code
 * try (NeurowatchHttpServer http = NeurowatchHttpServer.builder().port(0).labels(table::snapshot)
 *         .alerts(alertSink.asFlux()).build().start()) {
 *     System.out.println("http://127.0.0.1:" + http.port() + "/");
 * }
 * }</pre>
 */
public final class NeurowatchHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NeurowatchHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String JSON_TYPE = "application/json";
    private static final String DASHBOARD_CSP =
            "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";
    /** Events held per slow SSE client before the oldest are dropped, so one slow client cannot stall the others. */
    static final int SSE_CLIENT_BUFFER = 1024;
    /** Alerts kept for {@code GET /api/alerts}. */
    static final int RECENT_ALERTS = 500;

    private final String host;
    private final InetAddress bindAddress;
    private final int requestedPort;
    private final byte[] tokenDigest;
    /** Kept to forward requests to the group's other instances, which share it. */
    private final String token;
    private final PrometheusMeterRegistry registry;
    private final boolean bindJvmMetrics;
    private final Supplier<Readiness> readiness;
    private final Supplier<? extends List<NeuronLabel>> labels;
    private final Flux<String> alerts;
    private final Duration heartbeat;
    private final StaticResources dashboard;
    private final DashboardData data;
    private final GroupView group;
    private final RenderDirectory renders;

    private DisposableServer server;
    private JvmMetricsBinding jvmMetrics;
    private RecentAlerts recentAlerts;
    private DashboardApi api;

    private NeurowatchHttpServer(Builder b) {
        if (b.port < 0 || b.port > 65535) {
            throw new IllegalArgumentException("port out of range: " + b.port);
        }
        try {
            this.bindAddress = InetAddress.getByName(b.host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve HTTP bind address '" + b.host + "'", e);
        }
        boolean hasToken = b.bearerToken != null && !b.bearerToken.isBlank();
        if (!bindAddress.isLoopbackAddress()) {
            if (!b.allowRemote) {
                throw new IllegalArgumentException("refusing to bind HTTP to non-loopback address " + b.host
                        + " without allowRemote (the server would be reachable from other machines)");
            }
            if (!hasToken) {
                throw new IllegalArgumentException("binding HTTP to non-loopback address " + b.host
                        + " requires a non-empty bearer token");
            }
        } else if (b.allowRemote && !hasToken) {
            throw new IllegalArgumentException("allowRemote requires a non-empty bearer token");
        }
        if (b.heartbeat.isNegative() || b.heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive: " + b.heartbeat);
        }
        this.host = b.host;
        this.requestedPort = b.port;
        this.tokenDigest = hasToken ? sha256(b.bearerToken.strip()) : null;
        this.token = hasToken ? b.bearerToken.strip() : null;
        this.registry = b.registry != null ? b.registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.bindJvmMetrics = b.bindJvmMetrics;
        this.readiness = b.readiness;
        this.labels = b.labels;
        this.alerts = b.alerts;
        this.heartbeat = b.heartbeat;
        this.dashboard = new StaticResources("dashboard", NeurowatchHttpServer.class.getClassLoader());
        this.data = b.data;
        this.renders = b.renders;
        this.group = b.group;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; returns this. */
    public synchronized NeurowatchHttpServer start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        if (bindJvmMetrics) {
            jvmMetrics = JvmMetricsBinding.bind(registry);
        }
        recentAlerts = new RecentAlerts(alerts, RECENT_ALERTS);
        api = new DashboardApi(data, renders, recentAlerts, group, new GroupForwarder(token));
        try {
            server = HttpServer.create()
                    .bindAddress(() -> new InetSocketAddress(bindAddress, requestedPort))
                    .handle(this::handle)
                    .bindNow(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            if (jvmMetrics != null) {
                jvmMetrics.close();
                jvmMetrics = null;
            }
            recentAlerts.close();
            throw e;
        }
        LOG.info("HTTP server listening on {}:{}{}", host, port(), tokenDigest != null ? " (bearer token required)" : "");
        return this;
    }

    /** The bound port (the free port chosen when 0 was asked for). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.port();
    }

    /** The registry {@code /metrics} scrapes (the one given, or the server's own). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
            server = null;
        }
        if (jvmMetrics != null) {
            jvmMetrics.close();
            jvmMetrics = null;
        }
        if (recentAlerts != null) {
            recentAlerts.close();
            recentAlerts = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------- routing

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        res.header("X-Content-Type-Options", "nosniff");
        res.header(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (tokenDigest != null) {
            if (!authorized(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
                res.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"neurowatch\"");
                return error(res, 401, "unauthorized");
            }
        } else if (!loopbackHost(req.requestHeaders().get(HttpHeaderNames.HOST))) {
            return error(res, 403, "host not allowed");
        }
        Optional<List<String>> parsed = RequestPath.segments(req.uri());
        if (parsed.isEmpty()) {
            return error(res, 404, "not found");
        }
        List<String> path = parsed.get();
        String route = route(path);
        if (route == null) {
            return error(res, 404, "not found");
        }
        if (!HttpMethod.GET.equals(req.method())) {
            res.header(HttpHeaderNames.ALLOW, "GET");
            return error(res, 405, "method not allowed");
        }
        switch (route) {
            case "metrics":
                return metrics(res);
            case "health":
                return json(res, 200, JSON.createObjectNode().put("status", "UP"));
            case "ready":
                return ready(res);
            case "labels":
                return labels(req, res);
            case "alerts":
                return alerts(res);
            case "api":
                return api(req, res, path);
            default:
                return staticFile(res, route.equals("index") ? List.of("index.html") : path.subList(1, path.size()));
        }
    }

    /** The endpoint a path names, or null (404). */
    private static String route(List<String> p) {
        if (p.isEmpty()) {
            return "index";
        }
        String joined = String.join("/", p);
        switch (joined) {
            case "metrics":
                return "metrics";
            case "health":
                return "health";
            case "ready":
                return "ready";
            case "api/labels":
                return "labels";
            case "api/alerts/stream":
                return "alerts";
            case "dashboard":
            case "dashboard/":
                return "index";
            default:
                if (DashboardApi.handles(p)) {
                    return "api";
                }
                return p.size() >= 2 && p.get(0).equals("dashboard") && !p.get(p.size() - 1).isEmpty()
                        ? "static" : null;
        }
    }

    // -------------------------------------------------------------------------------------------------- endpoints

    private Publisher<Void> metrics(HttpServerResponse res) {
        return Mono.fromCallable(registry::scrape)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(text -> Mono.from(send(res, 200, PROMETHEUS_TEXT, text.getBytes(StandardCharsets.UTF_8))))
                .onErrorResume(e -> Mono.from(internalError(res, "metrics", e)));
    }

    private Publisher<Void> ready(HttpServerResponse res) {
        return Mono.fromCallable(() -> Objects.requireNonNull(readiness.get(), "readiness supplier returned null"))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(e -> {
                    LOG.warn("readiness check failed", e);
                    return Mono.just(Readiness.notReady("readiness check failed: " + e));
                })
                .flatMap(r -> Mono.from(r.ready()
                        ? json(res, 200, JSON.createObjectNode().put("status", "READY"))
                        : json(res, 503, JSON.createObjectNode().put("status", "NOT_READY").put("reason", r.reason()))));
    }

    private Publisher<Void> labels(HttpServerRequest req, HttpServerResponse res) {
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        String model = first(query, "model");
        String layer = first(query, "layer");
        return Mono.fromCallable(() -> {
                    List<NeuronLabel> all = labels.get();
                    ArrayNode out = JSON.createArrayNode();
                    if (all != null) {
                        for (NeuronLabel l : all) {
                            if ((model == null || model.equals(l.neuron().model()))
                                    && (layer == null || layer.equals(l.neuron().layer()))) {
                                out.add(LabelJson.toNode(l));
                            }
                        }
                    }
                    return JSON.writeValueAsBytes(out);
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(bytes -> Mono.from(send(res, 200, JSON_TYPE, bytes)))
                .onErrorResume(e -> Mono.from(internalError(res, "labels", e)));
    }

    private Publisher<Void> api(HttpServerRequest req, HttpServerResponse res, List<String> path) {
        DashboardApi handler = api;
        Map<String, List<String>> query = new QueryStringDecoder(req.uri()).parameters();
        return Mono.fromCallable(() -> handler.answer(path, query))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(a -> Mono.from(send(res, a.status(), a.contentType(), a.body())))
                .onErrorResume(e -> Mono.from(internalError(res, String.join("/", path), e)));
    }

    private Publisher<Void> alerts(HttpServerResponse res) {
        res.status(200)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .header("X-Accel-Buffering", "no");
        Flux<String> events = alerts
                .onBackpressureBuffer(SSE_CLIENT_BUFFER, dropped -> { }, BufferOverflowStrategy.DROP_OLDEST)
                .onErrorResume(e -> {
                    LOG.warn("alert stream failed; SSE clients keep receiving heartbeats only", e);
                    return Flux.never();
                })
                .map(NeurowatchHttpServer::sseEvent);
        Flux<String> beats = Flux.interval(heartbeat).map(i -> ": heartbeat\n\n");
        // The opening comment is emitted after the alert flux has been subscribed (merge subscribes in order,
        // and the Mono emits on subscription), so a client that has read it will not miss later alerts.
        Flux<ByteBuf> body = Flux.merge(events, beats, Mono.just(": connected\n\n"))
                .map(s -> Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8)));
        return res.send(body, b -> true);
    }

    /** {@code data: <line>} per line of the payload, then a blank line. */
    static String sseEvent(String json) {
        StringBuilder sb = new StringBuilder(json.length() + 16);
        for (String line : json.split("\r\n|\r|\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString();
    }

    private Publisher<Void> staticFile(HttpServerResponse res, List<String> segments) {
        return Mono.fromCallable(() -> dashboard.find(segments))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return Mono.from(error(res, 404, "not found"));
                    }
                    res.header("Content-Security-Policy", DASHBOARD_CSP);
                    res.header("X-Frame-Options", "DENY");
                    res.header("Referrer-Policy", "no-referrer");
                    return Mono.from(send(res, 200, found.get().contentType(), found.get().bytes()));
                });
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private boolean authorized(String header) {
        if (header == null) {
            return false;
        }
        String h = header.strip();
        if (h.length() < 7 || !h.substring(0, 7).equalsIgnoreCase("Bearer ")) {
            return false;
        }
        // Compare digests, so neither the content nor the length of the token leaks through timing.
        return MessageDigest.isEqual(tokenDigest, sha256(h.substring(7).strip()));
    }

    /** Host header names a loopback host (localhost, 127.0.0.0/8, [::1]); absent is refused too. */
    static boolean loopbackHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1");
        }
        int colon = h.indexOf(':');
        String name = colon >= 0 ? h.substring(0, colon) : h;
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
        return name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String first(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static Publisher<Void> json(HttpServerResponse res, int status, Object body) {
        try {
            return send(res, status, JSON_TYPE, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            return internalError(res, "json", e);
        }
    }

    private static Publisher<Void> error(HttpServerResponse res, int status, String message) {
        ObjectNode n = JSON.createObjectNode().put("error", message);
        return json(res, status, n);
    }

    private static Publisher<Void> internalError(HttpServerResponse res, String what, Throwable e) {
        LOG.warn("HTTP {} failed", what, e);
        byte[] body = ("{\"error\":\"internal error\"}").getBytes(StandardCharsets.UTF_8);
        return send(res, 500, JSON_TYPE, body);
    }

    private static Publisher<Void> send(HttpServerResponse res, int status, String type, byte[] body) {
        return res.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, type)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                .sendByteArray(Mono.just(body));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Configuration of a {@link NeurowatchHttpServer}; {@link #build()} checks the security rules. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private boolean allowRemote;
        private String bearerToken;
        private PrometheusMeterRegistry registry;
        private boolean bindJvmMetrics = true;
        private Supplier<Readiness> readiness = Readiness::up;
        private Supplier<? extends List<NeuronLabel>> labels = List::of;
        private Flux<String> alerts = Flux.never();
        private Duration heartbeat = Duration.ofSeconds(15);
        private DashboardData data = DashboardData.none();
        private RenderDirectory renders = RenderDirectory.none();
        private GroupView group = GroupView.alone();

        private Builder() {
        }

        /** Address to bind; default {@code 127.0.0.1}. A non-loopback address needs allowRemote and a token. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port; 0 (default) picks a free one, see {@link NeurowatchHttpServer#port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder allowRemote(boolean allowRemote) {
            this.allowRemote = allowRemote;
            return this;
        }

        /** When set (non-blank), every request must carry {@code Authorization: Bearer <token>}. */
        public Builder bearerToken(String bearerToken) {
            this.bearerToken = bearerToken;
            return this;
        }

        /** Registry served at /metrics; default a new one. */
        public Builder registry(PrometheusMeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Bind JVM memory, GC, thread and processor metrics on start (default true). */
        public Builder bindJvmMetrics(boolean bind) {
            this.bindJvmMetrics = bind;
            return this;
        }

        public Builder readiness(Supplier<Readiness> readiness) {
            this.readiness = Objects.requireNonNull(readiness, "readiness");
            return this;
        }

        /** Readiness as a plain flag; the reason when false is {@code notReadyReason}. */
        public Builder readiness(BooleanSupplier ready, String notReadyReason) {
            Objects.requireNonNull(ready, "ready");
            this.readiness = () -> ready.getAsBoolean() ? Readiness.up() : Readiness.notReady(notReadyReason);
            return this;
        }

        /** The current label table; called per request to /api/labels (off the event loop). */
        public Builder labels(Supplier<? extends List<NeuronLabel>> labels) {
            this.labels = Objects.requireNonNull(labels, "labels");
            return this;
        }

        /**
         * Alerts as JSON strings. Every SSE client subscribes to this flux, so give a hot one (a
         * {@code Sinks.many().multicast()} or a {@code share()}d flux).
         */
        public Builder alerts(Flux<String> alerts) {
            this.alerts = Objects.requireNonNull(alerts, "alerts");
            return this;
        }

        /** What the dashboard pages and their API show; called per request, off the event loop. Default: nothing. */
        public Builder data(DashboardData data) {
            this.data = Objects.requireNonNull(data, "data");
            return this;
        }

        /**
         * The other instances of the analyzer's group: a layer another instance owns is answered by it (the request
         * is forwarded), and {@code /api/models} lists every instance's layers; default alone.
         */
        public Builder group(GroupView group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** Where neuron images are served from ({@code /api/renders/…}); default none. */
        public Builder renders(RenderDirectory renders) {
            this.renders = Objects.requireNonNull(renders, "renders");
            return this;
        }

        /** Interval of SSE heartbeat comments; default 15 s. */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
            return this;
        }

        /** @throws IllegalArgumentException when the security rules or the port are violated */
        public NeurowatchHttpServer build() {
            return new NeurowatchHttpServer(this);
        }
    }
}
