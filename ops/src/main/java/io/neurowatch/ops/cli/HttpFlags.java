package io.neurowatch.ops.cli;

import io.neurowatch.ops.config.Settings;
import picocli.CommandLine.Option;

/**
 * The HTTP flags of {@code serve} and {@code demo}. Each is a shortcut for a settings key and, when given, outranks
 * the file, the environment and {@code --set}; when absent the key's value (or its default) applies.
 */
final class HttpFlags {
    @Option(names = "--http-port", paramLabel = "N",
            description = "dashboard, HTTP API and /metrics port: key http.port (default 8080; 0 = any free, -1 = off)")
    Integer port;

    @Option(names = "--http-host", paramLabel = "ADDR",
            description = "address to bind: key http.host (default 127.0.0.1); anything else needs "
                    + "--http-allow-remote")
    String host;

    @Option(names = "--http-allow-remote",
            description = "allow a non-loopback --http-host (requires a token): key http.allow-remote")
    boolean allowRemote;

    @Option(names = "--http-token", paramLabel = "TOKEN",
            description = "bearer token required on every request: key http.token (env NEUROWATCH_HTTP_TOKEN)")
    String token;

    @Option(names = "--results-dir", paramLabel = "DIR",
            description = "DORA and CLIP-Dissect results and neuron renders for the dashboard: key "
                    + "dashboard.results-dir")
    String resultsDir;

    Settings apply(Settings s) {
        if (port != null) {
            s = s.with("http.port", port.toString());
        }
        if (host != null) {
            s = s.with("http.host", host);
        }
        if (allowRemote) {
            s = s.with("http.allow-remote", "true");
        }
        if (token != null) {
            s = s.with("http.token", token);
        }
        if (resultsDir != null) {
            s = s.with("dashboard.results-dir", resultsDir);
        }
        return s;
    }
}
