package io.neurowatch.ops.cli;

import io.neurowatch.core.state.NeuronSketch;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code neurowatch bench sketch}: the statistics store's per-neuron sketch against Apache DataSketches KLL (the
 * baseline the streaming issue names), on the same activations in the same run: update cost as the store feeds it
 * (one neuron's column of a batch at a time), serialized size (what every apply writes to RocksDB), and the
 * quantile errors that alert thresholds and the dashboard read, in value and in rank.
 */
@Command(name = "sketch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Per-neuron quantile sketch (relative-error log buckets) vs DataSketches KLL on the same "
                + "activations: ns per update, bytes per sketch, quantile error in value and rank."})
public final class BenchSketchCommand implements Callable<Integer> {
    private static final double[] RANKS = {0.5, 0.9, 0.99, 0.999};

    @Option(names = "--neurons", defaultValue = "512", description = "sketches fed in turn (default: ${DEFAULT-VALUE})")
    int neurons;

    @Option(names = "--samples", defaultValue = "20000", description = "values per sketch (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--batch", defaultValue = "256", description = "rows per column run (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--precision-bits", defaultValue = "6",
            description = "m of the log-bucket sketch (default: ${DEFAULT-VALUE})")
    int bits;

    @Option(names = "--kll-k", defaultValue = "200", description = "k of the KLL baseline (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--rounds", defaultValue = "5", description = "timed rounds, alternating (default: ${DEFAULT-VALUE})")
    int rounds;

    @Override
    public Integer call() {
        System.out.printf("bench sketch: %d sketches x %d values (column runs of %d), log-bucket m=%d (alpha %.3f%%) "
                + "vs KLL k=%d (rank error %.2f%%)%n", neurons, samples, batch, bits,
                100 * NeuronSketch.relativeErrorBound(bits), k, 100 * KllFloatsSketch.getNormalizedRankError(k, false));
        // One column per neuron: activations of a ReLU layer (a third exact zeros) with per-neuron scale and skew.
        float[][] columns = new float[neurons][samples];
        Random rnd = new Random(1);
        for (int j = 0; j < neurons; j++) {
            double scale = Math.exp(rnd.nextGaussian());
            for (int i = 0; i < samples; i++) {
                double x = rnd.nextGaussian() + 0.4;
                columns[j][i] = (float) (x > 0 ? scale * x * Math.exp(0.5 * rnd.nextGaussian()) : 0.0);
            }
        }
        double[] logNs = new double[rounds];
        double[] kllNs = new double[rounds];
        NeuronSketch[] log = null;
        KllFloatsSketch[] kll = null;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            log = feedLog(columns);
            long t1 = System.nanoTime();
            kll = feedKll(columns);
            long t2 = System.nanoTime();
            double updates = (double) neurons * samples;
            logNs[round] = (t1 - t0) / updates;
            kllNs[round] = (t2 - t1) / updates;
        }
        double logMedian = median(logNs);
        double kllMedian = median(kllNs);
        System.out.printf("update, median of %d rounds: log-bucket %.2f ns, KLL %.2f ns: %.1fx faster "
                + "(rounds: log %s, KLL %s)%n", rounds, logMedian, kllMedian, kllMedian / logMedian,
                format(logNs), format(kllNs));
        System.out.printf("one core feeds %d neurons: log-bucket %,.0f samples/s, KLL %,.0f samples/s%n", neurons,
                1e9 / (logMedian * neurons), 1e9 / (kllMedian * neurons));

        long logBytes = 0;
        long kllBytes = 0;
        for (int j = 0; j < neurons; j++) {
            logBytes += log[j].toBytes().length;
            kllBytes += kll[j].toByteArray().length;
        }
        System.out.printf("serialized, mean per sketch after %d values: log-bucket %,d B, KLL %,d B%n", samples,
                logBytes / neurons, kllBytes / neurons);

        double[] logValueErr = new double[RANKS.length];
        double[] kllValueErr = new double[RANKS.length];
        double[] logRankErr = new double[RANKS.length];
        double[] kllRankErr = new double[RANKS.length];
        for (int j = 0; j < neurons; j++) {
            float[] sorted = columns[j].clone();
            Arrays.sort(sorted);
            double[] lq = log[j].quantiles(RANKS);
            float[] kq = kll[j].getQuantiles(RANKS, QuantileSearchCriteria.INCLUSIVE);
            for (int r = 0; r < RANKS.length; r++) {
                float exact = sorted[(int) Math.ceil(RANKS[r] * samples) - 1];
                logValueErr[r] = Math.max(logValueErr[r], relative(lq[r], exact));
                kllValueErr[r] = Math.max(kllValueErr[r], relative(kq[r], exact));
                logRankErr[r] = Math.max(logRankErr[r], rankError(sorted, lq[r], RANKS[r]));
                kllRankErr[r] = Math.max(kllRankErr[r], rankError(sorted, kq[r], RANKS[r]));
            }
        }
        System.out.printf("%-30s%s%n", "worst over the sketches, rank", header());
        System.out.printf("%-30s%s%n", "  value error, log-bucket", percents(logValueErr));
        System.out.printf("%-30s%s%n", "  value error, KLL", percents(kllValueErr));
        System.out.printf("%-30s%s%n", "  rank error, log-bucket", percents(logRankErr));
        System.out.printf("%-30s%s%n", "  rank error, KLL", percents(kllRankErr));
        System.out.println("(value error: |q - exact| / |exact|; rank error: distance of q's true rank interval "
                + "from the requested rank)");
        return 0;
    }

    private NeuronSketch[] feedLog(float[][] columns) {
        NeuronSketch[] out = new NeuronSketch[neurons];
        Arrays.setAll(out, j -> NeuronSketch.create(bits));
        for (int from = 0; from < samples; from += batch) {
            int to = Math.min(samples, from + batch);
            for (int j = 0; j < neurons; j++) {
                // As the statistics store feeds it: one neuron's run at a time.
                out[j].update(columns[j], from, to);
            }
        }
        return out;
    }

    private KllFloatsSketch[] feedKll(float[][] columns) {
        KllFloatsSketch[] out = new KllFloatsSketch[neurons];
        Arrays.setAll(out, j -> KllFloatsSketch.newHeapInstance(k));
        for (int from = 0; from < samples; from += batch) {
            int to = Math.min(samples, from + batch);
            for (int j = 0; j < neurons; j++) {
                KllFloatsSketch s = out[j];
                float[] c = columns[j];
                for (int i = from; i < to; i++) {
                    s.update(c[i]);
                }
            }
        }
        return out;
    }

    private static double relative(double q, float exact) {
        return exact == 0 ? Math.abs(q) : Math.abs(q - exact) / Math.abs(exact);
    }

    /** 0 if some position of {@code q} among the sorted values has the requested rank, else the distance to it. */
    private static double rankError(float[] sorted, double q, double rank) {
        int below = 0;
        int atOrBelow = 0;
        for (float v : sorted) {
            if (v < q) {
                below++;
            }
            if (v <= q) {
                atOrBelow++;
            }
        }
        double lo = below / (double) sorted.length;
        double hi = atOrBelow / (double) sorted.length;
        return rank < lo ? lo - rank : rank > hi ? rank - hi : 0.0;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String format(double[] xs) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) {
            b.append(b.length() == 0 ? "" : " ").append(String.format("%.1f", x));
        }
        return b.toString();
    }

    private static String header() {
        StringBuilder b = new StringBuilder();
        for (double r : RANKS) {
            b.append(String.format("%9s", r));
        }
        return b.toString();
    }

    private static String percents(double[] xs) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) {
            b.append(String.format("%8.3f%%", 100 * x));
        }
        return b.toString();
    }
}
