package io.neurowatch.analyzers.invert;

import io.neurowatch.core.ActivationSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Explains many units of one activation table: the batch entry point of INVERT, for NPY data, a single HDF5 file or
 * a directory of HDF5 segments alike (spec invert.md §7).
 *
 * <p>Features are read in column blocks of {@code featureBatchSize}, so memory is bounded by
 * {@code 8·N·featureBatchSize} bytes for the block plus about {@code 30·N} bytes per worker, whatever the width of
 * the layer. Units of a block run in parallel on {@code threads} workers sharing the read-only labels. Results are
 * delivered in feature order and do not depend on the block size, the thread count or how the store is segmented.
 *
 * <p>Blocking: every method reads from the source on the calling thread; call it off reactive threads.
 */
public final class InvertExplainer {

    /** Receives the number of units finished so far; called on the calling thread, in order. */
    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(int done, int total);

        ProgressListener NONE = (d, t) -> { };
    }

    private final ConceptIndex labels;
    private final InvertParams params;
    private final int featureBatchSize;
    private final int threads;

    /**
     * @param featureBatchSize columns read per block, at least 1 (default 256)
     * @param threads worker threads, at least 1
     * @throws IllegalArgumentException if a parameter is out of range or K exceeds 2C
     */
    public InvertExplainer(ConceptIndex labels, InvertParams params, int featureBatchSize, int threads) {
        if (featureBatchSize < 1) {
            throw new IllegalArgumentException("feature_batch_size must be at least 1, got " + featureBatchSize);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        params.validateFor(labels.concepts());
        this.labels = labels;
        this.params = params;
        this.featureBatchSize = featureBatchSize;
        this.threads = threads;
    }

    /** Explains one unit's activations on the calling thread. */
    public static UnitResult explainUnit(double[] activations, ConceptIndex labels, InvertParams params,
                                         boolean float32) {
        if (activations.length != labels.rows()) {
            throw new IllegalArgumentException("activations have " + activations.length + " samples but labels have "
                    + labels.rows() + " rows");
        }
        return explainColumn(new InvertSearch(labels, params), 0, activations, float32, "in-memory");
    }

    /** Explains every feature of {@code source}. */
    public List<UnitResult> explainAll(ActivationSource source, ProgressListener progress) throws IOException {
        List<UnitResult> out = new ArrayList<>();
        explain(source, allFeatures(source.features()), progress, out::add);
        return out;
    }

    /**
     * Explains the given features (ascending, distinct) and hands each result to {@code sink} in feature order.
     *
     * @throws IllegalArgumentException if the source and the labels disagree on N, or a feature is out of range
     * @throws IOException if the source cannot be read
     */
    public void explain(ActivationSource source, int[] features, ProgressListener progress,
                        Consumer<UnitResult> sink) throws IOException {
        if (source.rows() != labels.rows()) {
            throw new IllegalArgumentException(source.describe() + " has " + source.rows()
                    + " samples but the labels have " + labels.rows() + " rows; label row i must describe sample i");
        }
        for (int i = 0; i < features.length; i++) {
            if (features[i] < 0 || features[i] >= source.features()) {
                throw new IllegalArgumentException("unit " + features[i] + " is outside [0, " + source.features()
                        + ") of " + source.describe());
            }
            if (i > 0 && features[i] <= features[i - 1]) {
                throw new IllegalArgumentException("units must be ascending and distinct, got " + features[i - 1]
                        + " before " + features[i]);
            }
        }
        ThreadLocal<InvertSearch> searches = ThreadLocal.withInitial(() -> new InvertSearch(labels, params));
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
        try {
            int done = 0;
            for (int start = 0; start < features.length; start += featureBatchSize) {
                int end = Math.min(features.length, start + featureBatchSize);
                double[][] block = readBlock(source, features, start, end);
                List<Future<UnitResult>> futures = new ArrayList<>(end - start);
                for (int j = start; j < end; j++) {
                    int feature = features[j];
                    double[] column = block[j - start];
                    futures.add(pool.submit(() -> explainColumn(searches.get(), feature, column, source.float32(),
                            source.describe())));
                }
                for (Future<UnitResult> f : futures) {
                    sink.accept(await(f));
                    progress.onProgress(++done, features.length);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads the columns of {@code features[start, end)}, one contiguous run at a time. */
    private static double[][] readBlock(ActivationSource source, int[] features, int start, int end)
            throws IOException {
        double[][] block = new double[end - start][];
        int j = start;
        while (j < end) {
            int runEnd = j + 1;
            while (runEnd < end && features[runEnd] == features[runEnd - 1] + 1) {
                runEnd++;
            }
            double[][] run = source.readColumns(features[j], features[runEnd - 1] + 1);
            System.arraycopy(run, 0, block, j - start, run.length);
            j = runEnd;
        }
        return block;
    }

    private static UnitResult explainColumn(InvertSearch search, int feature, double[] column, boolean float32,
                                            String origin) {
        boolean constant = true;
        for (int i = 0; i < column.length; i++) {
            double v = column[i];
            if (!Double.isFinite(v)) {
                return UnitResult.error(feature, (Double.isNaN(v) ? "NaN" : "infinite value") + " at row " + i
                        + ", feature " + feature + " of " + origin);
            }
            constant &= v == column[0];
        }
        InvertSearch.Result r = search.explain(column, float32);
        return new UnitResult(feature, constant ? UnitResult.Status.CONSTANT : UnitResult.Status.OK,
                r.explanations(), r.states(), null);
    }

    private static UnitResult await(Future<UnitResult> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while explaining", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("INVERT worker failed", cause);
        }
    }

    /** 0, 1, …, d−1. */
    public static int[] allFeatures(int d) {
        int[] all = new int[d];
        for (int i = 0; i < d; i++) {
            all[i] = i;
        }
        return all;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "invert-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
