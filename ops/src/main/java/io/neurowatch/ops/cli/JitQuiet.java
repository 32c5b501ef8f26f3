package io.neurowatch.ops.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Waits until the JIT compilers have (nearly) stopped working, so that a timed phase of a benchmark does not pay
 * for compiling what an earlier phase made hot: on a 2-core machine a busy C2 thread takes half of the CPU. Quiet
 * means less than {@value #QUIET_MILLIS} ms of compilation time in the last second; gives up after
 * {@value #MAX_SECONDS} s.
 */
final class JitQuiet {
    private static final long QUIET_MILLIS = 20;
    private static final int MAX_SECONDS = 20;

    private JitQuiet() {
    }

    /** Blocks until quiet (or the limit) and prints how long it took; does nothing where the JVM cannot tell. */
    static void await(String what) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long t0 = System.nanoTime();
        long start = jit.getTotalCompilationTime();
        long last = start;
        int seconds = 0;
        while (seconds < MAX_SECONDS) {
            Thread.sleep(1000);
            seconds++;
            long now = jit.getTotalCompilationTime();
            if (now - last < QUIET_MILLIS) {
                break;
            }
            last = now;
        }
        System.out.printf("  JIT quiet %s after %.1f s (%,d ms of compilation meanwhile%s)%n", what,
                (System.nanoTime() - t0) / 1e9, jit.getTotalCompilationTime() - start,
                seconds == MAX_SECONDS ? ", gave up waiting" : "");
    }
}
