package io.neurowatch.core.state;

import io.neurowatch.core.LabelMatrix;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Child-JVM main for {@link StatisticsStoreCrashTest}: resumes from the committed offset and applies one
 * deterministic batch per offset until it is killed, printing "applied N" after each apply returns.
 */
public final class CrashingWriter {
    static final String TOPIC = "activations";
    static final SourcePartition PARTITION = new SourcePartition(TOPIC, 0);
    static final String MODEL = "m";
    static final String LAYER = "l";
    static final String CONCEPT = "c";
    static final int SAMPLES = 32;
    static final int NEURONS = 8;
    static final long T0 = 1_767_225_600_000L;
    /** Ten-second buckets and a second per batch: the writer crosses buckets while it runs. */
    static final StatisticsStoreConfig CONFIG = StatisticsStoreConfig.defaults().withBucketMillis(10_000);

    private CrashingWriter() {
    }

    public static void main(String[] args) throws Exception {
        try (StatisticsStore store = StatisticsStore.open(Path.of(args[0]), CONFIG)) {
            long next = store.committedOffsets().getOrDefault(PARTITION, 0L);
            System.out.println("resume " + next);
            for (long offset = next; ; offset++) {
                store.apply(StatisticsUpdate.of(batch(offset)), List.of(new SourceOffset(TOPIC, 0, offset)));
                System.out.println("applied " + offset);
                System.out.flush();
            }
        }
    }

    /** The batch of {@code offset}: the same on every run. */
    static LayerBatch batch(long offset) {
        Random rnd = new Random(offset);
        float[][] acts = new float[SAMPLES][NEURONS];
        LabelMatrix.Builder labels = LabelMatrix.builder(SAMPLES, 1);
        for (int i = 0; i < SAMPLES; i++) {
            for (int j = 0; j < NEURONS; j++) {
                acts[i][j] = (float) rnd.nextGaussian();
            }
            if (rnd.nextInt(4) == 0) {
                labels.set(i, 0);
            }
        }
        long[] ts = new long[SAMPLES];
        java.util.Arrays.fill(ts, T0 + offset * 1000);
        return LayerBatch.of(MODEL, LAYER, ts, acts, List.of(CONCEPT), labels.build());
    }

    static long positivesUpTo(long offsetExclusive) {
        long p = 0;
        for (long o = 0; o < offsetExclusive; o++) {
            LayerBatch b = batch(o);
            for (int i = 0; i < SAMPLES; i++) {
                if (b.label(i, 0)) {
                    p++;
                }
            }
        }
        return p;
    }
}
