package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The start-image parametrization of spec §3.11: round trip and equality with the reference's map. */
class StartImageTest {
    @RegisterExtension
    static final ManagerScope ND = new ManagerScope();

    private static float[] noiseImage(int h, int w, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[3 * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat();
        }
        return x;
    }

    @ParameterizedTest
    @CsvSource({"16, 16", "9, 7", "12, 10"})
    void roundTripReturnsTheStartImage(int h, int w) {
        float[] x = noiseImage(h, w, h * 100L + w);
        try (NDManager m = ND.manager().newSubManager();
                StartImageParametrization p = new StartImageParametrization(m, h, w, x, DataType.FLOAT32, false)) {
            assertEquals(2 * (w / 2 + 1), p.parameterShape().get(3));
            float[] image = p.toImage(m.create(p.initialParameter(), p.parameterShape())).toFloatArray();
            double err = Arrays4.maxAbsDiff(image, x);
            assertTrue(err <= 1e-7, "round trip error " + err);
        }
    }

    /**
     * Away from the start, the anchored evaluation equals the reference's clamp(normalise(clamp(M·irfft2(scale ⊙ P))))
     * computed in double from P directly; the start parameter also decodes to x·s + μ.
     */
    @ParameterizedTest
    @CsvSource({"8, 8", "9, 7"})
    void anchoredFormIsTheReferenceMap(int h, int w) {
        float[] x = noiseImage(h, w, 5);
        try (NDManager m = ND.manager().newSubManager();
                StartImageParametrization p = new StartImageParametrization(m, h, w, x, DataType.FLOAT32, false)) {
            float[] p0 = p.initialParameter();
            Random rng = new Random(6);
            float[] moved = p0.clone();
            for (int i = 0; i < moved.length; i++) {
                moved[i] += (float) (0.05 * rng.nextGaussian());
            }
            float[] actual = p.toImage(m.create(moved, p.parameterShape())).toFloatArray();
            double[] expected = referenceImage(moved, h, w);
            double[] decodedStart = referenceImage(p0, h, w);
            float[] e = new float[expected.length];
            float[] d = new float[expected.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = (float) expected[i];
                d[i] = (float) decodedStart[i];
            }
            Arrays4.assertAllClose(e, actual, 0, 3e-6, "anchored vs reference map");
            Arrays4.assertAllClose(x, d, 0, 1e-6, "decoded start parameter");
        }
    }

    private static double[] referenceImage(float[] parameter, int h, int w) {
        SpectralBasis b = SpectralBasis.fullHalfSpectrum(h, w);
        double[] weights = b.interleavedScale(true);
        int block = h * b.parameterWidth();
        double[][] t = new double[3][];
        for (int c = 0; c < 3; c++) {
            double[] spectrum = new double[block];
            for (int i = 0; i < block; i++) {
                spectrum[i] = parameter[c * block + i] * weights[i];
            }
            t[c] = b.irfft2(spectrum);
        }
        double[][] mm = ColourSpace.decorrelation();
        double[] out = new double[3 * h * w];
        for (int q = 0; q < h * w; q++) {
            for (int c = 0; c < 3; c++) {
                double u = mm[c][0] * t[0][q] + mm[c][1] * t[1][q] + mm[c][2] * t[2][q];
                u = Math.min(1, Math.max(0, u));
                double v = (u - (float) ColourSpace.IMAGENET_MEAN[c]) / (float) ColourSpace.IMAGENET_STD[c];
                out[c * h * w + q] = Math.min(1, Math.max(0, v));
            }
        }
        return out;
    }

    @Test
    void rejectsImagesOutsideTheUnitInterval() {
        float[] x = new float[3 * 4 * 4];
        x[3] = 1.5f;
        try (NDManager m = ND.manager().newSubManager()) {
            assertThrows(IllegalArgumentException.class,
                    () -> new StartImageParametrization(m, 4, 4, x, DataType.FLOAT32, false));
            assertThrows(IllegalArgumentException.class,
                    () -> new StartImageParametrization(m, 4, 5, new float[48], DataType.FLOAT32, false));
        }
    }
}
