package io.neurowatch.ops.http;

import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingValues;
import io.neurowatch.core.config.SettingsTable;
import java.nio.file.Path;
import java.util.List;

/**
 * How {@code serve} and {@code demo} run the HTTP server.
 *
 * @param host address to bind
 * @param port port; 0 picks a free one, -1 runs no server
 * @param allowRemote permit a non-loopback {@code host} (then a token is required)
 * @param token bearer token required on every request, or null
 * @param resultsDir folder of DORA and CLIP-Dissect results and neuron renders, or null
 */
public record HttpSettings(String host, int port, boolean allowRemote, String token, Path resultsDir) {
    public static final Setting<String> HOST = Setting.string("http.host", "127.0.0.1",
            "address the dashboard, API and `/metrics` bind; anything but loopback needs `http.allow-remote` and a "
                    + "token");
    public static final Setting<Integer> PORT = Setting.integer("http.port", 8080, "port (0 = any free, -1 = off)",
            Setting.between(-1, 65535));
    public static final Setting<Boolean> ALLOW_REMOTE = Setting.bool("http.allow-remote", false,
            "permit a non-loopback `http.host` (then `http.token` is required)");
    public static final Setting<String> TOKEN = Setting.optionalString("http.token", "none",
            "bearer token required on every request (prefer the environment: `NEUROWATCH_HTTP_TOKEN`)");
    public static final Setting<Path> RESULTS_DIR = Setting.optionalPath("dashboard.results-dir", "none",
            "folder of DORA and CLIP-Dissect results and neuron renders the dashboard shows");

    public static final SettingsTable.Group GROUP = new SettingsTable.Group("http",
            "The dashboard, the HTTP API and `/metrics` ([http.md](http.md)).",
            List.of(HOST, PORT, ALLOW_REMOTE, TOKEN, RESULTS_DIR));

    public HttpSettings {
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("http.port must be -1 (off), 0 (any free) or a port: " + port);
        }
    }

    public static HttpSettings from(SettingValues v) {
        String token = v.get(TOKEN);
        return new HttpSettings(v.get(HOST), v.get(PORT), v.get(ALLOW_REMOTE),
                token == null || token.isBlank() ? null : token.strip(), v.get(RESULTS_DIR));
    }

    /** The server's base URL for a bound port, e.g. {@code http://127.0.0.1:8080/} or {@code http://[::1]:8080/}. */
    public String url(int boundPort) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "http://" + h + ":" + boundPort + "/";
    }

    public boolean enabled() {
        return port >= 0;
    }
}
