package io.neurowatch.analyzers.clipdissect;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of daemon threads running index ranges in parallel. The ranges are fixed by the arguments, not by
 * timing, so callers that write disjoint outputs get results independent of the thread count. Confined to the
 * thread that created it.
 */
final class Workers implements AutoCloseable {

    /** Work on the index range [from, to). */
    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    private final int threads;
    private final ExecutorService pool;

    Workers(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        AtomicInteger count = new AtomicInteger();
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "clip-dissect-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    int threads() {
        return threads;
    }

    /**
     * Splits [0, n) into at most {@code chunks} contiguous ranges and runs them, waiting for all. A task's
     * unchecked exception is rethrown as is.
     */
    void forRange(int n, int chunks, RangeTask task) {
        if (n <= 0) {
            return;
        }
        int parts = Math.max(1, Math.min(n, chunks));
        if (pool == null || parts == 1) {
            task.run(0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) n * p / parts);
            int to = (int) ((long) n * (p + 1) / parts);
            futures.add(pool.submit(() -> task.run(from, to)));
        }
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Error err) {
                    throw err;
                }
                if (failure == null) {
                    failure = c instanceof RuntimeException re ? re : new IllegalStateException(c);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** {@link #forRange} with a few chunks per thread, which balances uneven ranges. */
    void forRange(int n, RangeTask task) {
        forRange(n, threads == 1 ? 1 : threads * 4, task);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
