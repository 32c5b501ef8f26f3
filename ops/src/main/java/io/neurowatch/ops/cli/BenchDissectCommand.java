package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.clipdissect.ClipDissector;
import io.neurowatch.analyzers.clipdissect.ConceptSimilarity;
import io.neurowatch.analyzers.clipdissect.DenseConceptSimilarity;
import io.neurowatch.analyzers.clipdissect.DissectOutput;
import io.neurowatch.analyzers.clipdissect.DissectParams;
import io.neurowatch.analyzers.clipdissect.EmbeddingConceptSimilarity;
import io.neurowatch.analyzers.clipdissect.FullSoftmaxScheme;
import io.neurowatch.analyzers.clipdissect.SimilarityFunction;
import io.neurowatch.analyzers.clipdissect.TopImages;
import io.neurowatch.core.ActivationSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code neurowatch bench dissect}: soft_wpmi on a CLIP-sized layer with the memory-light scheme. P = Î·T̂ᵀ comes
 * from generated embeddings and is computed on demand (or, with {@code --dense}, materialised once as float32). The
 * baseline, measured in the same run on a subsample and extrapolated, is the reference's layout: softmax(a·P)
 * materialised for every image, then gathered per unit.
 */
@Command(name = "dissect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"CLIP-Dissect soft_wpmi on generated data (default N=50,000 images, C=20,000 concepts, "
                + "D=2,048 units, top_k 100).",
            "Reports wall time, peak heap and RSS, and the ratio to the full-softmax scheme timed on a subsample in "
                + "the same run."})
public final class BenchDissectCommand implements Callable<Integer> {
    @Option(names = "--samples", defaultValue = "50000", description = "N probe images (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--concepts", defaultValue = "20000", description = "C concepts (default: ${DEFAULT-VALUE})")
    int concepts;

    @Option(names = "--units", defaultValue = "2048", description = "D units (default: ${DEFAULT-VALUE})")
    int units;

    @Option(names = "--top-k", defaultValue = "100", description = "soft_wpmi top_k (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--embedding-dim", defaultValue = "64",
            description = "dimension e of the generated CLIP embeddings (default: ${DEFAULT-VALUE})")
    int dim;

    @Option(names = "--dense", description = "materialise P as float32 [N,C] before timing (needs about 4.2·N·C "
            + "bytes of heap) instead of computing rows on demand")
    boolean dense;

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--baseline-samples", defaultValue = "2500",
            description = "images of the full-softmax baseline's subsample (default: ${DEFAULT-VALUE})")
    int baselineSamples;

    @Option(names = "--baseline-units", defaultValue = "256",
            description = "units of the baseline's subsample (default: ${DEFAULT-VALUE})")
    int baselineUnits;

    @Option(names = "--seed", defaultValue = "1", description = "data seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (baselineSamples > samples || baselineUnits > units || baselineSamples < topK) {
            throw new IllegalArgumentException("need top_k <= --baseline-samples <= --samples and --baseline-units <= "
                    + "--units");
        }
        System.out.printf("bench dissect: N=%d C=%d D=%d soft_wpmi top_k=%d e=%d P=%s threads=%d heap max=%d MiB%n",
                samples, concepts, units, topK, dim, dense ? "dense float32" : "on demand", workers,
                Runtime.getRuntime().maxMemory() >> 20);
        long tGen = System.nanoTime();
        Data data = Data.generate(seed, samples, concepts, units, dim, workers);
        EmbeddingConceptSimilarity emb = EmbeddingConceptSimilarity.of(data.images, samples, data.texts, concepts,
                dim, "generated");
        ConceptSimilarity p = emb;
        System.out.printf("data generated in %.2f s (embeddings, activations [N,D] from the planted concepts)%n",
                (System.nanoTime() - tGen) / 1e9);
        if (dense) {
            long t = System.nanoTime();
            p = materialise(emb, workers);
            System.out.printf("P materialised as float32 [N,C] (%.1f GiB) in %.2f s%n",
                    4.0 * samples * concepts / (1L << 30), (System.nanoTime() - t) / 1e9);
        }
        List<String> names = IntStream.range(0, concepts).mapToObj(i -> "concept" + i).toList();
        DissectParams params = DissectParams.defaults(SimilarityFunction.SOFT_WPMI).withTopK(topK);
        resetPeaks();
        long rowNanos0 = emb.computeNanos();
        ProgressBar bar = new ProgressBar(System.err, "dissect", "image blocks");
        long[] phaseEnd = new long[2];
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        DissectOutput out = new ClipDissector(params, workers).dissect(p, data.activations(samples),
                names, (phase, done, total) -> {
                    if (phase.equals("images")) {
                        bar.update(done, total);
                    }
                    if (done == total) {
                        phaseEnd[phase.equals("units") ? 0 : 1] = System.nanoTime();
                    }
                });
        long t1 = System.nanoTime();
        double secs = (t1 - t0) / 1e9;
        double cpuSecs = (processCpuNanos() - cpu0) / 1e9;
        double rowCpu = (emb.computeNanos() - rowNanos0) / 1e9;
        long heap = peakHeapMiB();
        // The peak includes garbage G1 had not collected yet; the retained figure is what the run really holds.
        System.gc();
        long retained = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
        int recovered = 0;
        for (int d = 0; d < units; d++) {
            if (out.results().get(d).best() != null && out.results().get(d).best().index() == data.planted[d]) {
                recovered++;
            }
        }
        System.out.printf("memory-light: %.2f s wall for the layer (%d threads; %.1f s process CPU); of which "
                + "computing P rows: %.2f s CPU%n", secs, workers, cpuSecs, rowCpu);
        System.out.printf("              phases: top-k selection %.2f s, P rows + softmax + log terms %.2f s, "
                + "prior + labels %.2f s%n", (phaseEnd[0] - t0) / 1e9, (phaseEnd[1] - phaseEnd[0]) / 1e9,
                (t1 - phaseEnd[1]) / 1e9);
        System.out.printf("              peak heap %d MiB (retained after GC, inputs and [D,C] scores included: %d "
                + "MiB), peak RSS %s%n", heap, retained, BenchInvertCommand.peakRss());
        System.out.printf("              planted concept recovered for %d of %d units%n", recovered, units);
        out = null;

        // Baseline on a subsample: the first baselineSamples images and baselineUnits units.
        ConceptSimilarity sub = firstRows(p, baselineSamples);
        double[][] subUnits = data.columns(0, baselineUnits, baselineSamples);
        int[][] tops = new int[baselineUnits][];
        for (int d = 0; d < baselineUnits; d++) {
            tops[d] = TopImages.select(subUnits[d], topK);
        }
        resetPeaks();
        // Best of two: the subsample is timed in seconds and extrapolated 20-fold, so one-off page faults and GC
        // pauses would otherwise dominate the baseline.
        double softSecs = Double.POSITIVE_INFINITY;
        double gatherSecs = Double.POSITIVE_INFINITY;
        double softCpu = Double.POSITIVE_INFINITY;
        double gatherCpu = Double.POSITIVE_INFINITY;
        double[][] naive = null;
        for (int rep = 0; rep < 2; rep++) {
            naive = null;
            long cS = processCpuNanos();
            long tS = System.nanoTime();
            double[][] softmax = FullSoftmaxScheme.softmax(sub, params.a(), workers);
            softSecs = Math.min(softSecs, (System.nanoTime() - tS) / 1e9);
            softCpu = Math.min(softCpu, (processCpuNanos() - cS) / 1e9);
            long cG = processCpuNanos();
            long tG = System.nanoTime();
            naive = FullSoftmaxScheme.scores(softmax, tops, params, workers);
            gatherSecs = Math.min(gatherSecs, (System.nanoTime() - tG) / 1e9);
            gatherCpu = Math.min(gatherCpu, (processCpuNanos() - cG) / 1e9);
        }
        long baselineHeap = peakHeapMiB();
        double[][] light = new ClipDissector(params, workers).dissect(sub, subUnits, names).scores();
        double maxDiff = 0;
        for (int d = 0; d < baselineUnits; d++) {
            for (int c = 0; c < concepts; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(naive[d][c] - light[d][c]));
            }
        }
        double extrapolated = softSecs * samples / baselineSamples + gatherSecs * units / baselineUnits;
        double extrapolatedCpu = softCpu * samples / baselineSamples + gatherCpu * units / baselineUnits;
        double softmaxMiB = 8.0 * samples * concepts / (1L << 20);
        double baselineMiB = retained + softmaxMiB;
        System.out.printf("baseline:     full softmax [%d,%d] %.2f s + gather/log/prior for %d units %.2f s "
                + "(peak heap %d MiB); extrapolated to N=%d, D=%d: %.1f s wall, %.1f s process CPU%n",
                baselineSamples, concepts, softSecs, baselineUnits, gatherSecs, baselineHeap, samples, units,
                extrapolated, extrapolatedCpu);
        System.out.printf("              at full size it holds the same inputs and scores plus softmax N·C·8 B = %.0f "
                + "MiB: about %.0f MiB%n", softmaxMiB, baselineMiB);
        System.out.printf("ratio:        time baseline/memory-light = %.2fx wall, %.2fx CPU (CPU is the steadier figure on"
                + " a shared machine); retained memory baseline/memory-light = %.1fx%n", extrapolated / secs,
                extrapolatedCpu / cpuSecs, baselineMiB / retained);
        System.out.printf("check:        memory-light vs full softmax on the subsample: max |diff| = %.2e%n", maxDiff);
        return 0;
    }

    /** The first {@code rows} images of {@code p}, without copying. */
    private static ConceptSimilarity firstRows(ConceptSimilarity p, int rows) {
        return new ConceptSimilarity() {
            @Override
            public int images() {
                return rows;
            }

            @Override
            public int concepts() {
                return p.concepts();
            }

            @Override
            public void readRows(int[] images, int from, int to, float[] dst) {
                for (int r = from; r < to; r++) {
                    if (images[r] >= rows) {
                        throw new IndexOutOfBoundsException("image " + images[r] + " outside the subsample");
                    }
                }
                p.readRows(images, from, to, dst);
            }

            @Override
            public String describe() {
                return p.describe() + " (first " + rows + " images)";
            }
        };
    }

    private static DenseConceptSimilarity materialise(EmbeddingConceptSimilarity emb, int workers) throws Exception {
        int n = emb.images();
        int m = emb.concepts();
        float[] all = new float[Math.multiplyExact(n, m)];
        int[] rows = IntStream.range(0, n).toArray();
        int block = 64;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers);
        try {
            List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                fs.add(pool.submit(() -> {
                    float[] buf = new float[block * m];
                    for (int s = worker * block; s < n; s += workers * block) {
                        int e = Math.min(n, s + block);
                        emb.readRows(rows, s, e, buf);
                        System.arraycopy(buf, 0, all, s * m, (e - s) * m);
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return DenseConceptSimilarity.of(n, m, all, "generated (dense)");
    }

    /** CPU time of the whole process (all threads, GC and JIT included), or 0 where the JVM cannot tell. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeapMiB() {
        return BenchInvertCommand.peakHeapMiB();
    }

    /**
     * Generated CLIP-like data. Text embeddings share a direction (so cosines are mostly positive, as CLIP's are);
     * each image mixes a shared direction, noise and the embeddings of two random concepts. Unit d tracks concept
     * planted[d]: its activation is relu(10·(P[i, planted[d]] − 0.1) + noise), like fixture unit 11.
     */
    private record Data(float[] images, float[] texts, float[][] unitColumns, int[] planted) {

        static Data generate(long seed, int n, int m, int units, int dim, int workers) throws Exception {
            SplittableRandom rng = new SplittableRandom(seed);
            float[] shared = gaussian(rng, dim);
            float[] texts = new float[m * dim];
            for (int c = 0; c < m; c++) {
                for (int t = 0; t < dim; t++) {
                    texts[c * dim + t] = (float) rng.nextGaussian() + 0.7f * shared[t];
                }
            }
            float[] images = new float[n * dim];
            for (int i = 0; i < n; i++) {
                int a = rng.nextInt(m);
                int b = rng.nextInt(m);
                for (int t = 0; t < dim; t++) {
                    images[i * dim + t] = (float) rng.nextGaussian() + shared[t]
                            + 0.8f * (texts[a * dim + t] + texts[b * dim + t]);
                }
            }
            int[] planted = new int[units];
            for (int d = 0; d < units; d++) {
                planted[d] = (int) ((d * 9973L) % m);
            }
            float[] imgN = normalised(images, n, dim);
            float[] txtN = normalised(texts, m, dim);
            float[][] cols = new float[units][n];
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers);
            try {
                List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    int worker = w;
                    fs.add(pool.submit(() -> {
                        for (int d = worker; d < units; d += workers) {
                            SplittableRandom noise = new SplittableRandom(seed * 31 + d);
                            int c = planted[d];
                            for (int i = 0; i < n; i++) {
                                float dot = 0;
                                for (int t = 0; t < dim; t++) {
                                    dot += imgN[i * dim + t] * txtN[c * dim + t];
                                }
                                cols[d][i] = (float) Math.max(0, 10 * (dot - 0.1) + 0.3 * noise.nextGaussian());
                            }
                        }
                    }));
                }
                for (java.util.concurrent.Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            return new Data(images, texts, cols, planted);
        }

        /** Columns [from, to) restricted to the first {@code rows} images, widened to double. */
        double[][] columns(int from, int to, int rows) {
            double[][] out = new double[to - from][rows];
            for (int d = from; d < to; d++) {
                for (int i = 0; i < rows; i++) {
                    out[d - from][i] = unitColumns[d][i];
                }
            }
            return out;
        }

        ActivationSource activations(int rows) {
            return new ActivationSource() {
                @Override
                public long rows() {
                    return rows;
                }

                @Override
                public int features() {
                    return unitColumns.length;
                }

                @Override
                public double[][] readColumns(int from, int to) {
                    ActivationSource.checkRange(from, to, unitColumns.length);
                    return columns(from, to, rows);
                }

                @Override
                public String describe() {
                    return "generated activations";
                }
            };
        }

        private static float[] gaussian(SplittableRandom rng, int dim) {
            float[] v = new float[dim];
            for (int t = 0; t < dim; t++) {
                v[t] = (float) rng.nextGaussian();
            }
            return v;
        }

        private static float[] normalised(float[] x, int rows, int dim) {
            float[] out = new float[x.length];
            for (int r = 0; r < rows; r++) {
                double ss = 0;
                for (int t = 0; t < dim; t++) {
                    ss += (double) x[r * dim + t] * x[r * dim + t];
                }
                float norm = (float) Math.sqrt(ss);
                for (int t = 0; t < dim; t++) {
                    out[r * dim + t] = x[r * dim + t] / norm;
                }
            }
            return out;
        }
    }
}
