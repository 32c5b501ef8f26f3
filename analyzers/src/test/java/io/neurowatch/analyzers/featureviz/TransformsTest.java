package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The robustness transforms (spec §3.6, §9 "Transforms"). Golden outputs come from torch 1.13
 * ({@code F.grid_sample(mode="nearest", align_corners=False)} on torchvision 0.14's affine grid, and
 * {@code F.interpolate(mode="bilinear")}), computed with /usr/bin/python3.
 */
class TransformsTest {
    @RegisterExtension
    static final ManagerScope ND = new ManagerScope();

    /** x = arange(60)/10 as [1,2,5,6]. */
    private static NDArray ramp(NDManager m) {
        float[] v = new float[60];
        for (int i = 0; i < v.length; i++) {
            v[i] = i / 10f;
        }
        return m.create(v, new Shape(1, 2, 5, 6));
    }

    private static final float[] AFFINE_ROTATE_TRANSLATE_SCALE_SHEAR = {0.5f, 1.7999999523162842f,
        1.2999999523162842f, 1.399999976158142f, 1.5f, 1.600000023841858f, 2.4000000953674316f, 2.5f,
        2.5999999046325684f, 2.0999999046325684f, 2.200000047683716f, 2.299999952316284f, 0.5f, 0.5f, 0.5f,
        2.700000047683716f, 2.799999952316284f, 2.9000000953674316f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f,
        0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 4.800000190734863f, 4.300000190734863f, 4.400000095367432f, 4.5f,
        4.599999904632568f, 5.400000095367432f, 5.5f, 5.599999904632568f, 5.099999904632568f, 5.199999809265137f,
        5.300000190734863f, 0.5f, 0.5f, 0.5f, 5.699999809265137f, 5.800000190734863f, 5.900000095367432f, 0.5f, 0.5f,
        0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
    private static final float[] AFFINE_ROTATE_SCALE = {-1.0f, 0.20000000298023224f, 0.30000001192092896f, 1.0f,
        1.100000023841858f, 1.7000000476837158f, 0.10000000149011612f, 0.20000000298023224f, 0.8999999761581421f,
        0.8999999761581421f, 1.600000023841858f, 1.7000000476837158f, 0.699999988079071f, 0.699999988079071f,
        1.399999976158142f, 1.5f, 2.200000047683716f, 2.200000047683716f, 1.2000000476837158f, 1.2999999523162842f,
        2.0f, 2.0f, 2.700000047683716f, 2.799999952316284f, 1.2000000476837158f, 1.7999999523162842f,
        1.899999976158142f, 2.5999999046325684f, 2.700000047683716f, -1.0f, -1.0f, 3.200000047683716f,
        3.299999952316284f, 4.0f, 4.099999904632568f, 4.699999809265137f, 3.0999999046325684f, 3.200000047683716f,
        3.9000000953674316f, 3.9000000953674316f, 4.599999904632568f, 4.699999809265137f, 3.700000047683716f,
        3.700000047683716f, 4.400000095367432f, 4.5f, 5.199999809265137f, 5.199999809265137f, 4.199999809265137f,
        4.300000190734863f, 5.0f, 5.0f, 5.699999809265137f, 5.800000190734863f, 4.199999809265137f,
        4.800000190734863f, 4.900000095367432f, 5.599999904632568f, 5.699999809265137f, -1.0f};
    private static final float[] AFFINE_QUARTER_TURN = {2.4000000953674316f, 2.4000000953674316f,
        1.2000000476837158f, 1.2000000476837158f, 0.0f, 0.0f, 2.5f, 2.5f, 1.2999999523162842f, 1.2999999523162842f,
        0.10000000149011612f, 0.10000000149011612f, 2.5999999046325684f, 2.5999999046325684f, 1.399999976158142f,
        1.399999976158142f, 0.20000000298023224f, 0.20000000298023224f, 2.799999952316284f, 2.799999952316284f,
        1.600000023841858f, 1.600000023841858f, 0.4000000059604645f, 0.4000000059604645f, 2.799999952316284f,
        2.799999952316284f, 1.600000023841858f, 1.600000023841858f, 0.4000000059604645f, 0.4000000059604645f,
        5.400000095367432f, 5.400000095367432f, 4.199999809265137f, 4.199999809265137f, 3.0f, 3.0f, 5.5f, 5.5f,
        4.300000190734863f, 4.300000190734863f, 3.0999999046325684f, 3.0999999046325684f, 5.599999904632568f,
        5.599999904632568f, 4.400000095367432f, 4.400000095367432f, 3.200000047683716f, 3.200000047683716f,
        5.800000190734863f, 5.800000190734863f, 4.599999904632568f, 4.599999904632568f, 3.4000000953674316f,
        3.4000000953674316f, 5.800000190734863f, 5.800000190734863f, 4.599999904632568f, 4.599999904632568f,
        3.4000000953674316f, 3.4000000953674316f};

    @Test
    void affineMatchesTorchvisionNearest() {
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray x = ramp(m);
            assertArrayEquals(AFFINE_ROTATE_TRANSLATE_SCALE_SHEAR,
                    RandomAffine.indexMap(5, 6, new RandomAffine.Draw(17.3, 1, -2, 0.9, 12)).apply(x, 0.5)
                            .toFloatArray(), 0f);
            assertArrayEquals(AFFINE_ROTATE_SCALE,
                    RandomAffine.indexMap(5, 6, new RandomAffine.Draw(-33, 0, 0, 1.1, 0)).apply(x, -1).toFloatArray(),
                    0f);
            // A quarter turn of a 5x6 image puts every sample on an exact .5 tie.
            assertArrayEquals(AFFINE_QUARTER_TURN,
                    RandomAffine.indexMap(5, 6, new RandomAffine.Draw(90, 0, 0, 1, 0)).apply(x, 7).toFloatArray(), 0f);
        }
    }

    /** y = arange(35)^1.5/10 as [1,1,5,7]. */
    private static NDArray powerRamp(NDManager m) {
        float[] v = new float[35];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (Math.pow(i, 1.5) / 10);
        }
        return m.create(v, new Shape(1, 1, 5, 7));
    }

    @Test
    void bilinearMatchesTorchInterpolate() {
        float[] factor = {0.5438489317893982f, 0.6934099197387695f, 0.89908766746521f, 1.1415493488311768f,
            1.4135929346084595f, 1.7115223407745361f, 2.0328569412231445f, 2.3782553672790527f, 4.835190296173096f,
            5.26692533493042f, 5.751644611358643f, 6.2503557205200195f, 6.76267671585083f, 7.2882537841796875f,
            7.826763153076172f, 8.379447937011719f, 12.05495834350586f, 12.63742733001709f, 13.28357219696045f,
            13.940231323242188f, 14.607243537902832f, 15.284451484680176f, 15.971711158752441f, 16.67010498046875f};
        float[] up = {0.05000000074505806f, 0.40122896432876587f, 0.9590170383453369f, 1.0536918640136719f,
            1.6661839485168457f, 2.4308106899261475f, 2.635136127471924f, 3.560055732727051f, 4.578725814819336f,
            4.946145534515381f, 6.075723171234131f, 7.283209800720215f, 7.747530460357666f, 9.049311637878418f,
            10.419028282165527f, 10.8454008102417f, 12.302631378173828f, 13.820521354675293f, 14.342355728149414f,
            15.937225341796875f, 17.58770179748535f};
        float[] size = {0.23150324821472168f, 0.32406288385391235f, 0.4657403230667114f, 0.643867552280426f,
            0.8499480485916138f, 1.088016390800476f, 1.345957636833191f, 1.6225581169128418f, 1.8718842267990112f,
            3.1218862533569336f, 3.4358065128326416f, 3.812648057937622f, 4.202478885650635f, 4.604903221130371f,
            5.024171352386475f, 5.4549784660339355f, 5.897065162658691f, 6.283612251281738f, 7.979001045227051f,
            8.411582946777344f, 8.923933982849121f, 9.445773124694824f, 9.976948738098145f, 10.520874977111816f,
            11.07369327545166f, 11.635284423828125f, 12.12260913848877f, 14.167108535766602f, 14.692183494567871f,
            15.311075210571289f, 15.937793731689453f, 16.572254180908203f, 17.21737289428711f, 17.869977951049805f,
            18.529998779296875f, 19.100784301757812f};
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray y = powerRamp(m);
            NDArray a = BilinearResize.byFactor(y, 0.63, 1.17);
            assertEquals(new Shape(1, 1, 3, 8), a.getShape());
            Arrays4.assertAllClose(factor, a.toFloatArray(), 1e-6, 1e-6, "scale_factor=(0.63, 1.17)");
            NDArray b = BilinearResize.byFactor(y, 1.5, 0.5);
            assertEquals(new Shape(1, 1, 7, 3), b.getShape());
            Arrays4.assertAllClose(up, b.toFloatArray(), 1e-6, 1e-6, "scale_factor=(1.5, 0.5)");
            NDArray c = BilinearResize.toSize(y, 4, 9);
            Arrays4.assertAllClose(size, c.toFloatArray(), 1e-6, 1e-6, "size=(4, 9)");
        }
    }

    @Test
    void translationIsAnIntegerWithinTheRangeOfItsOwnAxis() {
        RandomAffine affine = RandomAffine.of(0, 0.1, 0.3, 0);
        Random rng = new Random(1);
        int maxX = 0;
        int maxY = 0;
        for (int i = 0; i < 2000; i++) {
            RandomAffine.Draw d = affine.draw(rng, 20, 50);
            assertTrue(Math.abs(d.translateX()) <= 5, "tx " + d.translateX());
            assertTrue(Math.abs(d.translateY()) <= 6, "ty " + d.translateY());
            maxX = Math.max(maxX, Math.abs(d.translateX()));
            maxY = Math.max(maxY, Math.abs(d.translateY()));
        }
        // x uses W = 50 (±5 px) and y uses H = 20 (±6 px): quirk F3 would have given ±6 and ±0.9.
        assertEquals(5, maxX);
        assertEquals(6, maxY);
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray x = ramp(m);
            float[] shifted = RandomAffine.indexMap(5, 6, new RandomAffine.Draw(0, 2, 1, 1, 0)).apply(x, 0)
                    .toFloatArray();
            float[] original = x.toFloatArray();
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 6; j++) {
                        float expected = i >= 1 && j >= 2 ? original[(c * 5 + i - 1) * 6 + j - 2] : 0f;
                        assertEquals(expected, shifted[(c * 5 + i) * 6 + j], 0f, "pixel " + c + "," + i + "," + j);
                    }
                }
            }
        }
    }

    @Test
    void resizeOutputIsFloorOfSizeTimesFactor() {
        RandomResize resize = new RandomResize(0.5, 1.2);
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray x = m.zeros(new Shape(2, 3, 37, 23));
            for (long seed = 0; seed < 20; seed++) {
                double[] f = resize.draw(new Random(seed));
                NDArray out = resize.apply(x, new Random(seed));
                assertEquals(new Shape(2, 3, (long) Math.floor(37 * f[0]), (long) Math.floor(23 * f[1])),
                        out.getShape());
            }
        }
    }

    @Test
    void fillPixelIsTheNormalisedZeroThatIsTheImageNetMean() {
        try (NDManager m = ND.manager().newSubManager(); PixelParametrization p = new PixelParametrization(m, 8, 8,
                ai.djl.ndarray.types.DataType.FLOAT32)) {
            NDArray image = p.toModelInput(p.toImage(m.randomNormal(new Shape(1, 3, 8, 8))));
            NDArray out = RandomAffine.indexMap(8, 8, new RandomAffine.Draw(0, 3, 0, 1, 0)).apply(image, 0);
            float[] v = out.toFloatArray();
            float[] denormalised = new float[3];
            for (int c = 0; c < 3; c++) {
                assertEquals(0f, v[c * 64 + 9], 0f);
                denormalised[c] = (float) (v[c * 64 + 9] * ColourSpace.IMAGENET_STD[c] + ColourSpace.IMAGENET_MEAN[c]);
            }
            assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, denormalised, 1e-7f);
        }
    }

    @Test
    void oneDrawIsSharedByTheWholeBatch() {
        TransformChain chain = TransformChain.torchDreams(30, 0.5, 1.2, 0.2, 0.2);
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray a = m.randomUniform(0, 1, new Shape(1, 3, 16, 16));
            NDArray b = m.randomUniform(0, 1, new Shape(1, 3, 16, 16));
            NDArray both = chain.apply(NDArrays.concat(new NDList(a, b), 0), new Random(5));
            NDArray alone = chain.apply(b, new Random(5));
            assertArrayEquals(alone.toFloatArray(), both.get("1:2").toFloatArray(), 0f);
            NDArray other = chain.apply(b, new Random(6));
            assertNotEquals(alone.getShape().toString() + java.util.Arrays.toString(alone.toFloatArray()),
                    other.getShape().toString() + java.util.Arrays.toString(other.toFloatArray()));
        }
    }

    @Test
    void padAndCropFollowTorchvision() {
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray x = m.ones(new Shape(1, 1, 3, 4));
            NDArray padded = new Pad(2, 0.5).apply(x, new Random(0));
            assertEquals(new Shape(1, 1, 7, 8), padded.getShape());
            float[] v = padded.toFloatArray();
            assertEquals(0.5f, v[0], 0f);
            assertEquals(1f, v[2 * 8 + 2], 0f);
            assertEquals(0.5f, v[6 * 8 + 7], 0f);
            // pad_if_needed pads (crop - size) on both sides before cropping.
            NDArray crop = new RandomCrop(5, 4, true, -3).apply(x, new Random(0));
            assertEquals(new Shape(1, 1, 5, 4), crop.getShape());
            float[] c = crop.toFloatArray();
            int ones = 0;
            for (float f : c) {
                assertTrue(f == 1f || f == -3f);
                ones += f == 1f ? 1 : 0;
            }
            assertTrue(ones > 0 && ones <= 12);
            assertThrows(IllegalArgumentException.class, () -> new RandomCrop(5, 4, false, 0).apply(x, new Random(0)));
            // Same size: returned as is, nothing drawn.
            Random rng = new Random(3);
            assertTrue(new RandomCrop(3, 4, false, 0).apply(x, rng) == x);
            assertEquals(new Random(3).nextInt(), rng.nextInt());
        }
    }

    @Test
    void doraChainsCropToTheModelInputSize() {
        try (NDManager m = ND.manager().newSubManager()) {
            NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, 32, 32));
            for (TransformChain chain : List.of(TransformChain.doraPublished(32, 32),
                    TransformChain.doraGenerateSignals(32, 32))) {
                for (long seed = 0; seed < 5; seed++) {
                    assertEquals(new Shape(2, 3, 32, 32), chain.apply(x, new Random(seed)).getShape(), chain.name());
                }
            }
            assertEquals(13, TransformChain.doraPublished(224, 224).steps().size());
        }
    }

    @Test
    void publishedJitterShiftsByAtMostThreePixelsAt228() {
        RandomAffine jitter = (RandomAffine) TransformChain.doraPublished(224, 224).steps().get(1);
        Random rng = new Random(0);
        int max = 0;
        for (int i = 0; i < 3000; i++) {
            RandomAffine.Draw d = jitter.draw(rng, 228, 228);
            max = Math.max(max, Math.max(Math.abs(d.translateX()), Math.abs(d.translateY())));
        }
        assertEquals(3, max);
    }
}
