package io.neurowatch.analyzers.dora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NaturalEncodingsTest {

    @Test
    void eachRowIsTheMeanLayerResponseOverTheNeuronsTopSamples() {
        float[][] rows = {{1, 0}, {0, 2}, {3, 1}};
        MeanEncodings e = NaturalEncodings.of(rows, 2);
        // Neuron 0's two largest: samples 2 (3) and 0 (1); neuron 1's: samples 1 (2) and 2 (1).
        assertArrayEquals(new double[] {2, 0.5}, e.plus()[0], 1e-12);
        assertArrayEquals(new double[] {1.5, 1.5}, e.plus()[1], 1e-12);
        assertEquals(2, e.samples());
        assertEquals(null, e.minus());
    }

    @Test
    void tiesKeepSampleOrderAndTopIsClampedToTheSamples() {
        float[][] rows = {{5, 1}, {5, 2}, {5, 3}};
        assertArrayEquals(new double[] {5, 1}, NaturalEncodings.of(rows, 1).plus()[0], 1e-12);
        MeanEncodings all = NaturalEncodings.of(rows, 10);
        assertEquals(3, all.samples());
        assertArrayEquals(new double[] {5, 2}, all.plus()[0], 1e-12);
    }

    @Test
    void badInputIsRejectedWithWhatIsWrong() {
        assertThrows(IllegalArgumentException.class, () -> NaturalEncodings.of(new float[0][], 3));
        assertThrows(IllegalArgumentException.class, () -> NaturalEncodings.of(new float[][] {{1}}, 0));
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> NaturalEncodings.of(new float[][] {{1, 2}, {3}}, 1));
        assertTrue(ragged.getMessage().contains("sample 1"), ragged.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NaturalEncodings.of(new float[][] {{Float.NaN, 1}}, 1));
    }

    /**
     * Sixty neurons that share a population of inputs, and one whose top inputs are a small population of their own
     * (a shortcut feature): its encoding is the outlier, far below the rest. The control, where that neuron is like
     * the others, has no such outlier. A ground truth set by construction, not by DORA.
     */
    @Test
    void aNeuronWhoseTopInputsAreUnlikeEveryoneElsesIsDorasFirstOutlierAndTheControlHasNone() {
        int shortcut = 7;
        DoraResult planted = new DoraAnalyzer(DoraParams.defaults()).analyze(NaturalEncodings.of(
                layer(shortcut), 50));
        DoraResult control = new DoraAnalyzer(DoraParams.defaults()).analyze(NaturalEncodings.of(layer(-1), 50));
        assertEquals(shortcut, planted.ranking()[0], "ranking " + Arrays.toString(planted.ranking()));
        double plantedNof = planted.negativeOutlierFactor()[shortcut];
        double controlMin = Arrays.stream(control.negativeOutlierFactor()).min().orElseThrow();
        double plantedNext = planted.negativeOutlierFactor()[planted.ranking()[1]];
        System.out.printf("n-AMS nof: shortcut %.3f, next %.3f; control's lowest %.3f%n", plantedNof, plantedNext,
                controlMin);
        // Against scikit-learn's 'auto' offset (-1.5): the shortcut is below it, nothing of the control is.
        assertTrue(plantedNof < -1.5 && plantedNext > -1.5 && controlMin > -1.5,
                "shortcut " + plantedNof + ", next " + plantedNext + ", control " + controlMin);
    }

    /**
     * 4,000 samples of 61 ReLU neurons over a shared two-factor population; {@code shortcut} (or none: -1) fires
     * only on every 40th sample, where the others are suppressed.
     */
    private static float[][] layer(int shortcut) {
        Random rnd = new Random(11);
        int k = 61;
        float[][] rows = new float[4000][k];
        for (int s = 0; s < rows.length; s++) {
            boolean artifact = s % 40 == 0;
            double z1 = rnd.nextGaussian();
            double z2 = rnd.nextGaussian();
            for (int j = 0; j < k; j++) {
                double v = j == shortcut
                        ? (artifact ? 4 + rnd.nextGaussian() * 0.3 : rnd.nextGaussian() * 0.3)
                        : Math.cos(j) * z1 + Math.sin(j) * z2 + rnd.nextGaussian() * 0.5
                                - (artifact && shortcut >= 0 ? 2 : 0);
                rows[s][j] = (float) Math.max(0, v);
            }
        }
        return rows;
    }
}
