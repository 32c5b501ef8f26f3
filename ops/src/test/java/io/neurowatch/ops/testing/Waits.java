package io.neurowatch.ops.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The one wait helper of the tests: polling for a condition, failing with what was awaited. */
public final class Waits {
    private Waits() {
    }

    /** Polls {@code condition} every 50 ms; fails naming {@code what} after {@code timeout}. */
    public static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
