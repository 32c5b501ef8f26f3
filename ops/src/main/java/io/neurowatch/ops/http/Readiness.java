package io.neurowatch.ops.http;

import java.util.Objects;

/**
 * Whether the process is ready to serve (answers {@code GET /ready}): 200 when ready, 503 with {@link #reason()}
 * otherwise.
 *
 * @param ready whether the process is ready
 * @param reason why it is not ready; empty when ready
 */
public record Readiness(boolean ready, String reason) {
    private static final Readiness READY = new Readiness(true, "");

    public Readiness {
        Objects.requireNonNull(reason, "reason");
    }

    public static Readiness up() {
        return READY;
    }

    public static Readiness notReady(String reason) {
        return new Readiness(false, reason == null || reason.isBlank() ? "not ready" : reason);
    }
}
