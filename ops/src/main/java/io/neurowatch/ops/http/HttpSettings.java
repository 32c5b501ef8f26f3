package io.neurowatch.ops.http;

import java.nio.file.Path;

/**
 * How {@code serve} and {@code demo} run the HTTP server (keys {@code http.*} and {@code dashboard.*},
 * docs/configuration.md).
 *
 * @param host address to bind
 * @param port port; 0 picks a free one, -1 runs no server
 * @param allowRemote permit a non-loopback {@code host} (then a token is required)
 * @param token bearer token required on every request, or null
 * @param resultsDir folder of DORA and CLIP-Dissect results and neuron renders, or null
 */
public record HttpSettings(String host, int port, boolean allowRemote, String token, Path resultsDir) {
    public HttpSettings {
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("http.port must be -1 (off), 0 (any free) or a port: " + port);
        }
    }

    public boolean enabled() {
        return port >= 0;
    }
}
