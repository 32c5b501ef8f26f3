package io.neurowatch.analyzers.synthetic;

import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.LabelMatrix;
import java.util.Random;

/**
 * An ImageNet-shaped INVERT workload for benchmarks: N samples, each of one of {@code leaves} classes with equal
 * frequency, plus {@code hypernyms} concepts that each cover a contiguous range of 2–120 classes, so every sample
 * carries its class and all hypernyms above it (sparse leaves, dense hypernyms, like the 1,473 WordNet concepts of
 * ImageNet). Unit activations are generated per column on demand, so a 512-unit layer costs no memory.
 */
public final class ImageNetLike {
    private ImageNetLike() {
    }

    /** Labels and concept ids {@code n00000000 …}. */
    public record Labels(LabelMatrix labels, ConceptSet concepts, int[] classOf) {
    }

    public static Labels labels(long seed, int rows, int leaves, int hypernyms) {
        Random rnd = new Random(seed);
        int concepts = leaves + hypernyms;
        int[] lo = new int[hypernyms];
        int[] hi = new int[hypernyms];
        for (int h = 0; h < hypernyms; h++) {
            int len = 2 + rnd.nextInt(119);
            lo[h] = rnd.nextInt(Math.max(1, leaves - len));
            hi[h] = Math.min(leaves, lo[h] + len);
        }
        int[] classOf = new int[rows];
        LabelMatrix.Builder b = LabelMatrix.builder(rows, concepts);
        for (int i = 0; i < rows; i++) {
            int cls = i % leaves;
            classOf[i] = cls;
            b.set(i, cls);
            for (int h = 0; h < hypernyms; h++) {
                if (cls >= lo[h] && cls < hi[h]) {
                    b.set(i, leaves + h);
                }
            }
        }
        ConceptSet ids = ConceptSet.of(java.util.stream.IntStream.range(0, concepts)
                .mapToObj(c -> io.neurowatch.core.Concept.of(String.format("n%08d", c))).toList());
        return new Labels(b.build(), ids, classOf);
    }

    /**
     * Activations for {@code units} units: unit d responds (+2) to a few classes drawn from a seeded generator, on
     * top of unit-variance noise; columns are recomputed on every read.
     */
    public static ActivationSource activations(long seed, Labels labels, int units) {
        return new ActivationSource() {
            @Override
            public long rows() {
                return labels.classOf().length;
            }

            @Override
            public int features() {
                return units;
            }

            @Override
            public double[][] readColumns(int from, int to) {
                ActivationSource.checkRange(from, to, units);
                int n = labels.classOf().length;
                int leaves = 1 + java.util.Arrays.stream(labels.classOf()).max().orElse(0);
                double[][] out = new double[to - from][n];
                for (int d = from; d < to; d++) {
                    Random rnd = new Random(seed * 1_000_003L + d);
                    boolean[] hot = new boolean[leaves];
                    int start = rnd.nextInt(leaves);
                    int width = 1 + rnd.nextInt(40);
                    for (int k = 0; k < width; k++) {
                        hot[(start + k) % leaves] = true;
                    }
                    double[] col = out[d - from];
                    for (int i = 0; i < n; i++) {
                        col[i] = (float) (rnd.nextGaussian() + (hot[labels.classOf()[i]] ? 2.0 : 0.0));
                    }
                }
                return out;
            }

            @Override
            public String describe() {
                return "generated ImageNet-like activations";
            }
        };
    }
}
