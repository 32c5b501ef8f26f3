package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.neurowatch.analyzers.Fixtures;
import io.neurowatch.connectors.io.NpyArray;
import io.neurowatch.connectors.io.NpyReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Fourier parametrization against torch-dreams 4.0.0 (fixtures README §3) and the spec §9 checklist.
 * Max differences are printed so that reports can quote them.
 */
class SpectralParityTest {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-6;
    @RegisterExtension
    static final ManagerScope ND = new ManagerScope();

    private static Path dir() {
        return Fixtures.dir("torch_dreams");
    }

    private static float[] npy(String file, long... expectedShape) throws IOException {
        NpyArray a = NpyReader.read(dir().resolve(file));
        assertArrayEquals(expectedShape, a.shape(), file);
        return a.toFloatRowMajor();
    }

    @ParameterizedTest
    @CsvSource({"8x8, 8, 8", "9x7, 9, 7", "32x32, 32, 32"})
    void matchesTorchDreamsFixtures(String name, int h, int w) throws IOException {
        int wp = w % 2 == 0 ? w : w + 1;
        float[] param = npy(name + "_param.npy", 1, 3, h, wp);
        try (NDManager m = ND.manager().newSubManager(); SpectralParametrization p = new SpectralParametrization(m, h, w)) {
            assertEquals(new Shape(1, 3, h, wp), p.parameterShape());
            NDArray x = m.create(param, p.parameterShape());
            float[] scale = p.basis().scaleFloat32();
            float[] spatial = p.spatial(x).toFloatArray();
            float[] decorrelated = p.decorrelated(x).toFloatArray();
            NDArray image = p.toImage(x);
            float[] hwc = Arrays4.chwToHwc(image.toFloatArray(), h, w);
            float[] normalised = p.toModelInput(image).toFloatArray();

            Arrays4.assertAllClose(npy(name + "_fft_scale.npy", h, (w + 1) / 2), scale, 0, 0, name + " fft_scale");
            Arrays4.assertAllClose(npy(name + "_spatial_irfft2.npy", 1, 3, h, w), spatial, RTOL, ATOL,
                    name + " spatial_irfft2");
            Arrays4.assertAllClose(npy(name + "_decorrelated_rgb.npy", 1, 3, h, w), decorrelated, RTOL, ATOL,
                    name + " decorrelated_rgb");
            Arrays4.assertAllClose(npy(name + "_image_hwc.npy", h, w, 3), hwc, RTOL, ATOL, name + " image_hwc");
            Arrays4.assertAllClose(npy(name + "_normalized_nchw.npy", 1, 3, h, w), normalised, RTOL, ATOL,
                    name + " normalized_nchw");
            System.out.printf("torch_dreams %s: max |diff| spatial %.2e, rgb %.2e, image %.2e, normalised %.2e%n",
                    name, Arrays4.maxAbsDiff(spatial, npy(name + "_spatial_irfft2.npy", 1, 3, h, w)),
                    Arrays4.maxAbsDiff(decorrelated, npy(name + "_decorrelated_rgb.npy", 1, 3, h, w)),
                    Arrays4.maxAbsDiff(hwc, npy(name + "_image_hwc.npy", h, w, 3)),
                    Arrays4.maxAbsDiff(normalised, npy(name + "_normalized_nchw.npy", 1, 3, h, w)));
        }
    }

    @Test
    void colourMatrixIsTheOneTheFixturesUsed() throws IOException {
        JsonNode json = Fixtures.json(dir().resolve("results.json")).get("color_matrix");
        double[][] m = ColourSpace.decorrelation();
        double[][] spec = {
            {0.56282854, 0.19482528, 0.04329450},
            {0.58447580, 0.00000000, -0.10823626},
            {0.58447580, -0.19482528, 0.06494176},
        };
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(json.get(i).get(j).asDouble(), m[i][j], 1e-7, "M[" + i + "][" + j + "] vs fixture");
                assertEquals(spec[i][j], m[i][j], 1e-7, "M[" + i + "][" + j + "] vs spec");
            }
        }
        double[][] inv = ColourSpace.inverseDecorrelationTransposed();
        double[][] specInv = {
            {0.5774405, 2.7717142, 3.1181786},
            {0.5774405, -0.30796823, -6.120869},
            {0.5774405, -2.36109, 3.1181786},
        };
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                // The spec prints float32 results with 7-8 significant digits.
                assertEquals(specInv[i][j], inv[i][j], 1e-7 * Math.max(1, Math.abs(specInv[i][j])) + 5e-8,
                        "inv(M^T)[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void theSpectralScaleSpansTheReferencesRangeAndDropsTheNyquistColumn() {
        double[] s256 = extremes(SpectralBasis.torchDreams(256, 256));
        assertEquals(256 / Math.sqrt(2), s256[1], 1e-4);
        assertEquals(181.019, s256[1], 5e-4);
        assertEquals(1.0059, s256[0], 5e-5);
        double[] s224 = extremes(SpectralBasis.torchDreams(224, 224));
        assertEquals(158.392, s224[1], 5e-4);
        assertEquals(1.0067, s224[0], 5e-5);
        assertEquals(128, SpectralBasis.torchDreams(256, 256).columns(), "Nyquist column dropped");
    }

    private static double[] extremes(SpectralBasis b) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int h = 0; h < b.height(); h++) {
            for (int k = 0; k < b.columns(); k++) {
                min = Math.min(min, b.scale(h, k));
                max = Math.max(max, b.scale(h, k));
            }
        }
        return new double[] {min, max};
    }

    @Test
    void oddWidthLayout() {
        SpectralBasis odd = SpectralBasis.torchDreams(5, 5);
        assertEquals(3, odd.columns());
        assertEquals(6, odd.parameterWidth());
        SpectralBasis even = SpectralBasis.torchDreams(6, 8);
        assertEquals(4, even.columns());
        assertEquals(8, even.parameterWidth());
        assertEquals(5, SpectralBasis.fullHalfSpectrum(6, 8).columns());
    }

    /** Spec §9 table: deterministic parameter, float32, rtol 1e-4. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "4;4;2.828427,2.828427|2.828427,2.828427|1.681793,1.422624|2.828427,2.828427;"
            + "-0.0225511,0.0551886,0.0057332,-0.0720065;0.4961171,0.4959068,0.4982129;23.853107",
        "5;5;3.535534,3.535534,2.350377|-|2.350377,1.988177,1.397542;"
            + "-0.031267,0.042821,0.0276438,0.0041437,0.0271698;0.4950695,0.4946327,0.4967613;37.270584",
        "6;8;5.656854,5.656854,4.756828,2.589289|-|-|1.681793,1.607037,1.422624,1.203393;"
            + "-0.0337656,-0.0403133,-0.0546407,0.0378758;0.4959269,0.4959782,0.4934768;71.490784",
    })
    void specChecklistTable(int h, int w, String scaleRows, String tRow, String pixel, double sum) {
        try (NDManager m = ND.manager().newSubManager(); SpectralParametrization p = new SpectralParametrization(m, h, w)) {
            float[] scale = p.basis().scaleFloat32();
            String[] rows = scaleRows.split("\\|");
            for (int r = 0; r < rows.length; r++) {
                if (rows[r].equals("-")) {
                    continue;
                }
                double[] expected = parse(rows[r]);
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], scale[r * p.basis().columns() + k], 1e-4 * expected[k],
                            "scale row " + r + " col " + k);
                }
            }
            NDArray x = m.create(Arrays4.deterministicParameter(Math.toIntExact(p.parameterShape().size())),
                    p.parameterShape());
            float[] t = p.spatial(x).toFloatArray();
            double[] expectedT = parse(tRow);
            for (int i = 0; i < expectedT.length; i++) {
                assertEquals(expectedT[i], t[i], 1e-4 * Math.abs(expectedT[i]) + 1e-7, "t[0,0,0," + i + "]");
            }
            NDArray image = p.toImage(x);
            float[] img = image.toFloatArray();
            double[] px = parse(pixel);
            for (int c = 0; c < 3; c++) {
                assertEquals(px[c], img[c * h * w], 1e-4 * px[c], "img01[0," + c + ",0,0]");
            }
            double total = 0;
            for (float v : img) {
                total += v;
            }
            assertEquals(sum, total, 1e-4 * sum, "sum of img01");
            if (h == 4) {
                float[] n = p.toModelInput(image).toFloatArray();
                double[] expectedN = {0.0485463, 0.1781555, 0.4098352};
                for (int c = 0; c < 3; c++) {
                    assertEquals(expectedN[c], n[c * 16], 1e-4 * expectedN[c], "normalised 4x4 pixel (0,0) ch " + c);
                }
            }
        }
    }

    private static double[] parse(String csv) {
        String[] parts = csv.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i].trim());
        }
        return out;
    }

    /**
     * The real-basis inverse against an independent complex inverse DFT of the Hermitian-completed spectrum
     * (spec §9 check 3), in double, for even and odd sizes including 224².
     */
    @ParameterizedTest
    @CsvSource({"4, 4", "5, 5", "6, 8", "9, 7", "224, 224"})
    void realBasisEqualsComplexInverse(int h, int w) {
        SpectralBasis b = SpectralBasis.torchDreams(h, w);
        Random rng = new Random(h * 1000L + w);
        double[] spectrum = new double[h * b.parameterWidth()];
        for (int i = 0; i < spectrum.length; i++) {
            spectrum[i] = rng.nextGaussian();
        }
        double[] fast = b.irfft2(spectrum);
        double[] slow = complexIrfft2(spectrum, h, w, b.columns(), h <= 9 ? 1 : 16);
        int step = h <= 9 ? 1 : 16;
        double max = 0;
        for (int hh = 0; hh < h; hh += step) {
            for (int ww = 0; ww < w; ww += step) {
                max = Math.max(max, Math.abs(fast[hh * w + ww] - slow[hh * w + ww]));
            }
        }
        assertTrue(max < 1e-9, "real basis vs complex inverse: " + max);
    }

    /**
     * pocketfft's C2R semantics: the inverse FFT along H of every column, then a 1-D C2R along W that reads only
     * the real part of the DC (and Nyquist) bin; a missing Nyquist column is zero. Evaluated at rows/cols that are
     * multiples of {@code step} to keep 224² cheap.
     */
    private static double[] complexIrfft2(double[] interleaved, int h, int w, int columns, int step) {
        int wc = 2 * columns;
        double[] zr = new double[h * columns];
        double[] zi = new double[h * columns];
        for (int hh = 0; hh < h; hh += step) {
            for (int k = 0; k < columns; k++) {
                double re = 0;
                double im = 0;
                for (int j = 0; j < h; j++) {
                    double a = 2 * Math.PI * hh * j / h;
                    double xr = interleaved[j * wc + 2 * k];
                    double xi = interleaved[j * wc + 2 * k + 1];
                    re += xr * Math.cos(a) - xi * Math.sin(a);
                    im += xr * Math.sin(a) + xi * Math.cos(a);
                }
                zr[hh * columns + k] = re;
                zi[hh * columns + k] = im;
            }
        }
        double[] out = new double[h * w];
        double norm = Math.sqrt((double) h * w);
        for (int hh = 0; hh < h; hh += step) {
            for (int ww = 0; ww < w; ww += step) {
                double sum = zr[hh * columns];
                for (int k = 1; k < columns; k++) {
                    double a = 2 * Math.PI * k * ww / w;
                    double weight = 2 * k == w ? 1 : 2;
                    sum += weight * (zr[hh * columns + k] * Math.cos(a) - zi[hh * columns + k] * Math.sin(a));
                }
                out[hh * w + ww] = sum / norm;
            }
        }
        return out;
    }

    /** Spec §9 check 4 / quirk F6: symmetrising column 0 explicitly changes nothing. */
    @Test
    void columnZeroSymmetrisationIsImplicit() {
        int h = 6;
        int w = 8;
        SpectralBasis b = SpectralBasis.torchDreams(h, w);
        Random rng = new Random(7);
        double[] x = new double[h * b.parameterWidth()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        double[] sym = x.clone();
        int wc = b.parameterWidth();
        for (int k = 0; k < h; k++) {
            int mk = (h - k) % h;
            sym[k * wc] = (x[k * wc] + x[mk * wc]) / 2;
            sym[k * wc + 1] = (x[k * wc + 1] - x[mk * wc + 1]) / 2;
        }
        Arrays4.assertAllClose(b.irfft2(x), b.irfft2(sym), 0, 1e-12, "column-0 symmetrised");
    }

    /** The float32 tensor path against the double reference at 224² (spec §9 check 3 bound: 2e-7 for torch). */
    @Test
    void float32TensorPathAt224() {
        int h = 224;
        int w = 224;
        try (NDManager m = ND.manager().newSubManager(); SpectralParametrization p = new SpectralParametrization(m, h, w)) {
            Random rng = new Random(224);
            float[] param = p.noise(rng, 0.01);
            float[] t = p.spatial(m.create(param, p.parameterShape())).toFloatArray();
            SpectralBasis b = p.basis();
            double[] weights = b.interleavedScale(true);
            int block = h * b.parameterWidth();
            double max = 0;
            double scale = 0;
            for (int c = 0; c < 3; c++) {
                double[] spectrum = new double[block];
                for (int i = 0; i < block; i++) {
                    spectrum[i] = (double) param[c * block + i] * (float) weights[i];
                }
                double[] expected = b.irfft2(spectrum);
                for (int i = 0; i < expected.length; i++) {
                    max = Math.max(max, Math.abs(expected[i] - t[c * h * w + i]));
                    scale = Math.max(scale, Math.abs(expected[i]));
                }
            }
            System.out.printf("224x224 float32 tensor irfft2 vs double: max |diff| %.2e (max |t| %.3f)%n", max, scale);
            assertTrue(max < 1e-6, "float32 irfft2 at 224^2 differs by " + max);
        }
    }

    /** Spec §3.5: at 224² the N(0, 0.01²) start is nearly flat grey (reference: mean 0.5002, std 0.0255). */
    @Test
    void initialImageIsNearlyFlatGrey() {
        try (NDManager m = ND.manager().newSubManager(); SpectralParametrization p = new SpectralParametrization(m, 224,
                224)) {
            for (long seed = 1; seed <= 3; seed++) {
                float[] img = p.toImage(m.create(p.noise(new Random(seed), 0.01), p.parameterShape())).toFloatArray();
                double sum = 0;
                double sq = 0;
                for (float v : img) {
                    sum += v;
                    sq += (double) v * v;
                }
                double mean = sum / img.length;
                double std = Math.sqrt(sq / img.length - mean * mean);
                System.out.printf("224x224 start image, seed %d: mean %.4f, std %.4f%n", seed, mean, std);
                assertEquals(0.5002, mean, 0.005);
                assertEquals(0.0255, std, 0.004);
            }
        }
    }
}
