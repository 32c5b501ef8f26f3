package io.neurowatch.analyzers.clipdissect;

import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.InMemoryActivations;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CLIP-Dissect for one layer: every unit of an activation table gets the concept whose similarity pattern best
 * matches its top-activating probe images (spec clip-dissect.md). The batch entry point; the mathematics is in
 * {@link SimilarityFunction}'s implementations.
 *
 * <p>Activations are read in column blocks of {@code featureBatchSize}, so only the units' top images (and, for the
 * cosine functions, one block of columns) are held. soft_wpmi and wpmi use the memory-light scheme of spec §7: P is
 * read once per needed image and softmax(a·P) is never materialised. Work is split over {@code threads} workers
 * (units, or image rows where a step is per image); results do not depend on the thread count or the block size.
 *
 * <p>Deviations from the reference, all switched off by {@link DissectParams#referenceCompat()}: zero-variance units
 * are {@code dead} and unlabelled and do not enter the soft_wpmi/wpmi prior (C7); the soft_wpmi weights and log K
 * are computed in double; rank_reorder concepts whose mean similarity over the top images is ≤ 0 are never chosen
 * (the reference's NaN would win torch.max). Always: top-k ties go to the lower image index (C6), too few images
 * give {@code insufficient_data} (C5), rank_reorder's permutations are seeded (C4).
 *
 * <p>Immutable; {@code with*} return modified copies. {@link #dissect} blocks and reads from the source on the
 * calling thread; one call at a time per source.
 */
public final class ClipDissector {
    public static final int DEFAULT_ALTERNATIVES = 5;
    public static final int DEFAULT_TOP_SAMPLES = 10;
    public static final int DEFAULT_FEATURE_BATCH_SIZE = 256;

    /** Receives progress of a phase ("units", "images"); called on the calling thread. */
    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(String phase, long done, long total);

        ProgressListener NONE = (phase, done, total) -> { };
    }

    private final DissectParams params;
    private final int threads;
    private final PermutationSource permutations;
    private final int alternatives;
    private final int topSamples;
    private final int featureBatchSize;

    /**
     * @param threads worker threads, at least 1
     * @throws IllegalArgumentException if threads is below 1
     */
    public ClipDissector(DissectParams params, int threads) {
        this(params, threads, PermutationSource.seeded(params.seed()), DEFAULT_ALTERNATIVES, DEFAULT_TOP_SAMPLES,
                DEFAULT_FEATURE_BATCH_SIZE);
    }

    private ClipDissector(DissectParams params, int threads, PermutationSource permutations, int alternatives,
                          int topSamples, int featureBatchSize) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (alternatives < 0 || topSamples < 0) {
            throw new IllegalArgumentException("alternatives and top_samples must be >= 0, got " + alternatives
                    + " and " + topSamples);
        }
        if (featureBatchSize < 1) {
            throw new IllegalArgumentException("feature_batch_size must be at least 1, got " + featureBatchSize);
        }
        this.params = params;
        this.threads = threads;
        this.permutations = permutations;
        this.alternatives = alternatives;
        this.topSamples = topSamples;
        this.featureBatchSize = featureBatchSize;
    }

    /** Uses recorded (or other) permutations for rank_reorder instead of the seeded ones. */
    public ClipDissector withPermutations(PermutationSource source) {
        return new ClipDissector(params, threads, source, alternatives, topSamples, featureBatchSize);
    }

    /** How many runners-up to report per unit (default {@value #DEFAULT_ALTERNATIVES}). */
    public ClipDissector withAlternatives(int n) {
        return new ClipDissector(params, threads, permutations, n, topSamples, featureBatchSize);
    }

    /** How many top-activating image indices to report per unit (default {@value #DEFAULT_TOP_SAMPLES}). */
    public ClipDissector withTopSamples(int n) {
        return new ClipDissector(params, threads, permutations, alternatives, n, featureBatchSize);
    }

    /** Activation columns read per block (default {@value #DEFAULT_FEATURE_BATCH_SIZE}); bounds memory only. */
    public ClipDissector withFeatureBatchSize(int n) {
        return new ClipDissector(params, threads, permutations, alternatives, topSamples, n);
    }

    public DissectParams params() {
        return params;
    }

    /**
     * Describes in-memory units.
     *
     * @param units one activation column per unit, each of length N
     * @see #dissect(ConceptSimilarity, ActivationSource, List, ProgressListener)
     */
    public DissectOutput dissect(ConceptSimilarity p, double[][] units, List<String> concepts) {
        int n = p.images();
        double[] rowMajor = new double[Math.multiplyExact(n, units.length)];
        for (int k = 0; k < units.length; k++) {
            if (units[k].length != n) {
                throw new IllegalArgumentException("unit " + k + " has " + units[k].length + " activations but "
                        + p.describe() + " has " + n + " images");
            }
            for (int i = 0; i < n; i++) {
                rowMajor[i * units.length + k] = units[k][i];
            }
        }
        try {
            return dissect(p, InMemoryActivations.wrap(n, units.length, rowMajor, "in-memory"), concepts,
                    ProgressListener.NONE);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory activations cannot fail to read", e);
        }
    }

    /**
     * Describes every unit of {@code q}.
     *
     * @param p the concept similarities P [N, M], row i = probe image i
     * @param q pooled activations [N, K], row i = probe image i
     * @param concepts M concept names, position = column of P
     * @throws IllegalArgumentException if N or M disagree between the inputs (naming them) or the permutation
     *     source cannot serve a unit
     * @throws IOException if {@code q} cannot be read
     */
    public DissectOutput dissect(ConceptSimilarity p, ActivationSource q, List<String> concepts,
                                 ProgressListener progress) throws IOException {
        if (q.rows() != p.images()) {
            throw new IllegalArgumentException(q.describe() + " has " + q.rows() + " images but " + p.describe()
                    + " has " + p.images() + "; row i of both must be probe image i");
        }
        if (concepts.size() != p.concepts()) {
            throw new IllegalArgumentException(p.describe() + " has " + p.concepts() + " concept columns but the "
                    + "concept list has " + concepts.size());
        }
        int n = p.images();
        int d = q.features();
        int m = p.concepts();
        SimilarityFunction f = params.function();
        String origin = q.describe();
        int need = params.topImages(n);
        String insufficient = null;
        if (f.isPmi() && n < params.topK()) {
            insufficient = "N = " + n + " probe images is less than top_k = " + params.topK();
        } else if (f == SimilarityFunction.RANK_REORDER && need < 2) {
            insufficient = "rank_reorder uses floor(N * top_fraction) = " + need + " top images (N = " + n
                    + ", top_fraction = " + params.topFraction() + "); at least 2 are needed";
        }
        int keep = Math.min(n, Math.max(insufficient == null ? need : 0, topSamples));

        NeuronStatus[] status = new NeuronStatus[d];
        String[] message = new String[d];
        int[][] tops = new int[d][];
        double[][] topValues = new double[d][];
        double[][] scores = new double[d][];
        try (Workers workers = new Workers(threads)) {
            ColumnCosine cosine = null;
            if (!f.isPmi() && f != SimilarityFunction.RANK_REORDER) {
                cosine = ColumnCosine.of(params);
                cosine.prepare(p, workers);
            }
            for (int start = 0; start < d; start += featureBatchSize) {
                int end = Math.min(d, start + featureBatchSize);
                double[][] cols = q.readColumns(start, end);
                int first = start;
                String reason = insufficient;
                ColumnCosine cos = cosine;
                workers.forRange(end - first, (from, to) -> {
                    for (int j = from; j < to; j++) {
                        int u = first + j;
                        summarise(u, cols[j], reason, keep, need, origin, status, message, tops, topValues);
                        if (cos != null && scored(status[u])) {
                            cos.normalizeUnit(cols[j]);
                        } else {
                            cols[j] = null;
                        }
                    }
                });
                if (cosine != null) {
                    double[][] block = cosine.scores(p, cols, workers);
                    System.arraycopy(block, 0, scores, first, block.length);
                }
                progress.onProgress("units", end, d);
            }
            if (f.isPmi()) {
                scorePmi(p, status, tops, scores, workers, progress);
            } else if (f == SimilarityFunction.RANK_REORDER) {
                scoreRankReorder(p, status, message, tops, topValues, scores, need, workers);
            }
        }
        return new DissectOutput(params, concepts, label(status, message, tops, scores, concepts, m), scores);
    }

    private void summarise(int unit, double[] col, String insufficient, int keep, int need, String origin,
                           NeuronStatus[] status, String[] message, int[][] tops, double[][] topValues) {
        boolean constant = true;
        for (int i = 0; i < col.length; i++) {
            double v = col[i];
            if (!Double.isFinite(v)) {
                status[unit] = NeuronStatus.ERROR;
                message[unit] = (Double.isNaN(v) ? "NaN" : "infinite value") + " at row " + i + ", unit " + unit
                        + " of " + origin;
                tops[unit] = new int[0];
                return;
            }
            constant &= v == col[0];
        }
        tops[unit] = TopImages.select(col, keep);
        if (insufficient != null) {
            status[unit] = NeuronStatus.INSUFFICIENT_DATA;
            message[unit] = insufficient;
            return;
        }
        if (constant) {
            status[unit] = NeuronStatus.DEAD;
            message[unit] = "zero variance: every activation equals " + col[0];
        } else {
            status[unit] = NeuronStatus.OK;
        }
        if (params.function() == SimilarityFunction.RANK_REORDER) {
            double[] v = new double[need];
            for (int j = 0; j < need; j++) {
                v[j] = col[tops[unit][j]];
            }
            topValues[unit] = v;
        }
    }

    private boolean scored(NeuronStatus s) {
        return s == NeuronStatus.OK || (params.referenceCompat() && s == NeuronStatus.DEAD);
    }

    private void scorePmi(ConceptSimilarity p, NeuronStatus[] status, int[][] tops, double[][] scores,
                          Workers workers, ProgressListener progress) {
        int d = status.length;
        int[][] pmiTops = new int[d][];
        boolean[] inPrior = new boolean[d];
        for (int u = 0; u < d; u++) {
            if (scored(status[u])) {
                pmiTops[u] = Arrays.copyOf(tops[u], params.topK());
                inPrior[u] = true;
            }
        }
        double[][] logLik = TopImageLikelihood.compute(p, pmiTops, params.a(), Wpmi.termFor(params), workers,
                (done, total) -> progress.onProgress("images", done, total));
        LayerPrior.apply(logLik, inPrior, params.lambda(), params.referenceCompat(), workers);
        System.arraycopy(logLik, 0, scores, 0, d);
    }

    private void scoreRankReorder(ConceptSimilarity p, NeuronStatus[] status, String[] message, int[][] tops,
                                  double[][] topValues, double[][] scores, int need, Workers workers) {
        RankReorder rr = new RankReorder(params, permutations);
        int m = p.concepts();
        workers.forRange(status.length, (from, to) -> {
            float[] rows = null;
            for (int u = from; u < to; u++) {
                if (!scored(status[u])) {
                    continue;
                }
                double base = rr.baseError(u, topValues[u]);
                if (base == 0 && !params.referenceCompat()) {
                    status[u] = NeuronStatus.INSUFFICIENT_DATA;
                    message[u] = "the top " + need + " activations are all equal, so rank_reorder cannot order them";
                    continue;
                }
                if (rows == null) {
                    rows = new float[need * m];
                }
                p.readRows(tops[u], 0, need, rows);
                scores[u] = rr.scores(topValues[u], rows, m, base);
            }
        });
    }

    private List<DissectResult> label(NeuronStatus[] status, String[] message, int[][] tops, double[][] scores,
                                      List<String> concepts, int m) {
        List<DissectResult> out = new ArrayList<>(status.length);
        boolean compat = params.referenceCompat();
        for (int u = 0; u < status.length; u++) {
            int[] samples = Arrays.copyOf(tops[u], Math.min(topSamples, tops[u].length));
            if (scores[u] == null || !scored(status[u])) {
                scores[u] = nanRow(m);
                out.add(DissectResult.unlabelled(u, status[u], samples, message[u]));
                continue;
            }
            double[] row = scores[u];
            int[] best = ConceptRanking.top(row, 1 + alternatives, compat);
            double top = row[best[0]];
            if (!compat && (Double.isNaN(top) || top == Double.NEGATIVE_INFINITY)) {
                scores[u] = nanRow(m);
                out.add(DissectResult.unlabelled(u, NeuronStatus.ERROR, samples, "no concept has a finite score"));
                continue;
            }
            List<ConceptScore> alts = new ArrayList<>(best.length - 1);
            for (int r = 1; r < best.length; r++) {
                alts.add(new ConceptScore(best[r], concepts.get(best[r]), row[best[r]]));
            }
            out.add(new DissectResult(u, status[u], new ConceptScore(best[0], concepts.get(best[0]), top), alts,
                    samples, message[u]));
        }
        return out;
    }

    private static double[] nanRow(int m) {
        double[] r = new double[m];
        Arrays.fill(r, Double.NaN);
        return r;
    }
}
