package io.neurowatch.ops.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.analyzers.dora.DoraPipeline;
import io.neurowatch.analyzers.invert.ConceptIndex;
import io.neurowatch.analyzers.invert.Explanation;
import io.neurowatch.analyzers.invert.InvertExplainer;
import io.neurowatch.analyzers.invert.InvertParams;
import io.neurowatch.analyzers.invert.UnitResult;
import io.neurowatch.connectors.model.TappedModel;
import io.neurowatch.core.InMemoryActivations;
import io.neurowatch.testkit.Requirement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planted-artifact experiment on real images (Fashion-MNIST): a watermark on half the training images of one
 * class infects a channel of a small CNN, which INVERT labels "watermark"; a control trained without the watermark
 * has no infected channel. DORA's rank of the infected channel is measured and printed, not asserted: on this
 * grey-image model it is not in the top 3 (rank ≈ 30 of 64 in our runs; see docs/dora.md). Skipped, saying so,
 * when Debian's dataset-fashion-mnist is not installed ({@code .ci/run} installs it).
 */
class FashionMnistArtifactTest {
    @TempDir
    Path work;

    @Test
    void watermarkOnRealImagesInfectsAChannelThatInvertLabels() throws Exception {
        Requirement.FASHION_MNIST.require();
        ArtifactLab.Params p = ArtifactLab.Params.defaults(1);
        int side = FashionMnistArtifacts.SIDE;
        FashionMnistArtifacts control = FashionMnistArtifacts.load(FashionMnistArtifacts.DEBIAN_DIR, 8000, 500, 0,
                0.0, 7);
        try (TappedModel m = ArtifactLab.train(control.train(), control.trainLabels(), side,
                FashionMnistArtifacts.CLASSES, p, line -> { })) {
            ArtifactLab.GroundTruth gt = ArtifactLab.groundTruth(m, control.clean(), control.stamped(), side,
                    p.layer());
            System.out.printf("Fashion-MNIST control: best clean-vs-stamped sensitivity %.3f%n", gt.bestSensitivity());
            assertEquals(0, gt.infected().length, "the control has no infected channel");
        }
        FashionMnistArtifacts data = FashionMnistArtifacts.load(FashionMnistArtifacts.DEBIAN_DIR, 8000, 500, 0,
                p.artifactFraction(), 7);
        try (TappedModel m = ArtifactLab.train(data.train(), data.trainLabels(), side, FashionMnistArtifacts.CLASSES,
                p, System.out::println)) {
            ArtifactLab.GroundTruth gt = ArtifactLab.groundTruth(m, data.clean(), data.stamped(), side, p.layer());
            DoraPipeline.Outcome dora = ArtifactLab.dora(m, p, work.resolve("sams"), true);
            int[] ranking = dora.result().ranking();
            List<Integer> ranks = new ArrayList<>();
            for (int i = 0; i < ranking.length; i++) {
                if (gt.isInfected(dora.channel(ranking[i]))) {
                    ranks.add(i + 1);
                }
            }
            System.out.printf("Fashion-MNIST: infected channels %s; their DORA ranks %s of %d (top-3 criterion %s)%n",
                    Arrays.toString(gt.infected()), ranks, ranking.length,
                    !ranks.isEmpty() && ranks.get(0) <= 3 ? "met" : "NOT met");
            assertTrue(gt.infected().length > 0, "the watermark infected some channel");

            int best = gt.infected()[0];
            double[][] probe = new double[1][];
            double[][] clean = ArtifactLab.activations(m, data.clean(), side, p.layer());
            double[][] stamped = ArtifactLab.activations(m, data.stamped(), side, p.layer());
            probe[0] = new double[2 * clean[best].length];
            System.arraycopy(clean[best], 0, probe[0], 0, clean[best].length);
            System.arraycopy(stamped[best], 0, probe[0], clean[best].length, stamped[best].length);
            UnitResult r = new InvertExplainer(new ConceptIndex(data.probeLabels(),
                    FashionMnistArtifacts.probeConcepts()), InvertParams.of(1, 1), 256, 2)
                    .explainAll(InMemoryActivations.ofColumn(probe[0]), InvertExplainer.ProgressListener.NONE).get(0);
            Explanation e = r.best().orElseThrow();
            System.out.printf("Fashion-MNIST INVERT channel %d: %s AUROC %.3f%n", best,
                    e.readable(FashionMnistArtifacts.probeConcepts()), e.auroc());
            assertEquals("watermark", e.readable(FashionMnistArtifacts.probeConcepts()));
            assertTrue(e.auroc() >= 0.9, "AUROC " + e.auroc());
        }
    }
}
