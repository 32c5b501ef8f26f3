package io.neurowatch.analyzers.invert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurowatch.analyzers.synthetic.PlantedConcepts;
import io.neurowatch.connectors.io.Hdf5ActivationSource;
import io.neurowatch.connectors.io.Hdf5ActivationWriter;
import io.neurowatch.connectors.io.Hdf5SegmentWriter;
import io.neurowatch.connectors.io.Hdf5WriteOptions;
import io.neurowatch.core.ActivationSource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec invert.md §7 invariants: result[d] equals the per-unit result, whatever the feature batch size, the thread
 * count, and whether the store is one file or segments (also after appending a segment and re-running).
 */
class Hdf5InvarianceTest {
    @TempDir
    Path tmp;

    @Test
    void resultsDoNotDependOnBatchingThreadsOrSegmentation() throws Exception {
        int n = 2000;
        int d = 9;
        PlantedConcepts data = PlantedConcepts.generate(3, n, 12, d, 2.0);
        double[][] cols = data.activations().readColumns(0, d);
        float[] rowMajor = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                rowMajor[i * d + j] = (float) cols[j][i];
            }
        }
        Path single = tmp.resolve("single.h5");
        try (Hdf5ActivationWriter w = Hdf5ActivationWriter.create(single, Hdf5WriteOptions.defaults()
                .withChunks(256, 4))) {
            w.append(n, d, rowMajor);
        }
        Path segments = tmp.resolve("segments");
        try (Hdf5SegmentWriter w = Hdf5SegmentWriter.open(segments, Hdf5WriteOptions.defaults(), 700)) {
            w.append(n, d, rowMajor);
        }
        ConceptIndex index = new ConceptIndex(data.labels(), data.concepts());
        InvertParams p = InvertParams.of(3, 3).withFractions(0.01, 0.5);

        List<String> expected = new java.util.ArrayList<>();
        for (int j = 0; j < d; j++) {
            expected.add(describe(InvertExplainer.explainUnit(cols[j], index, p, true)));
        }
        for (int fbs : new int[] {1, 7, d}) {
            for (int threads : new int[] {1, 2}) {
                for (Path store : new Path[] {single, segments}) {
                    try (ActivationSource src = Hdf5ActivationSource.open(store)) {
                        List<UnitResult> got = new InvertExplainer(index, p, fbs, threads)
                                .explainAll(src, InvertExplainer.ProgressListener.NONE);
                        assertEquals(expected, got.stream().map(Hdf5InvarianceTest::describe).toList(),
                                store + " fbs=" + fbs + " threads=" + threads);
                    }
                }
            }
        }
    }

    private static String describe(UnitResult r) {
        StringBuilder sb = new StringBuilder(r.status().name());
        for (Explanation e : r.explanations()) {
            sb.append('|').append(e.canonical()).append('@').append(e.length()).append(' ').append(e.auroc())
                    .append(' ').append(e.support()).append(' ').append(e.pValue());
        }
        return sb.toString();
    }
}
