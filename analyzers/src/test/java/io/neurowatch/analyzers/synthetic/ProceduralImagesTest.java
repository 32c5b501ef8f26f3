package io.neurowatch.analyzers.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.LabelMatrix;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The generator's determinism, labels, planted fraction and glyph. */
class ProceduralImagesTest {
    private final ProceduralImages gen = new ProceduralImages(ProceduralImages.Params.defaults());

    @Test
    void sameSeedSameImagesInRange() {
        ImageSet a = gen.generate(5, 40);
        ImageSet b = gen.generate(5, 40);
        ImageSet c = gen.generate(6, 40);
        assertArrayEquals(a.pixels(), b.pixels());
        assertFalse(Arrays.equals(a.pixels(), c.pixels()));
        float[] px = a.pixels();
        assertEquals(40 * 3 * 32 * 32, px.length);
        for (float v : px) {
            assertTrue(v >= 0 && v <= 1, "pixel " + v);
        }
    }

    @Test
    void vocabularyAndLabelsDescribeEachImage() {
        assertEquals(List.of("shape_circle", "shape_square", "shape_triangle", "shape_cross", "shape_diamond",
                "color_red"), gen.concepts().asList().subList(0, 6).stream().map(x -> x.id()).toList());
        assertEquals(5 + 6 + 3 + 6 + 1, gen.concepts().size());
        assertEquals("watermark", gen.concepts().id(gen.watermarkConcept()));
        ImageSet set = gen.generate(9, 300);
        LabelMatrix labels = set.labels();
        int[] classes = set.classLabels();
        boolean[] stamped = set.stamped();
        for (int i = 0; i < set.size(); i++) {
            ProceduralImages.Sample s = set.get(i);
            assertEquals(s.shape().ordinal(), classes[i]);
            assertEquals(gen.concepts().indexOf("shape_" + s.shape().name().toLowerCase()), s.conceptIds()[0]);
            assertEquals(gen.concepts().indexOf("color_" + ProceduralImages.SHAPE_COLORS.get(s.shapeColor()).name()),
                    s.conceptIds()[1]);
            assertEquals(stamped[i], labels.get(i, gen.watermarkConcept()));
            int row = i;
            assertEquals(s.conceptIds().length, IntStream.range(0, labels.concepts()).filter(c -> labels.get(row, c))
                    .count());
            for (int c : s.conceptIds()) {
                assertTrue(labels.get(i, c));
            }
        }
        for (int k = 0; k < 5; k++) {
            int cls = k;
            assertTrue(Arrays.stream(classes).filter(c -> c == cls).count() > 30, "class " + k + " is drawn");
        }
    }

    @Test
    void exactlyTheFractionOfTheArtifactClassIsStamped() {
        ImageSet set = gen.generate(3, 1000);
        int[] classes = set.classLabels();
        boolean[] stamped = set.stamped();
        long artifactClass = Arrays.stream(classes).filter(c -> c == 0).count();
        long marked = IntStream.range(0, set.size()).filter(i -> stamped[i]).count();
        assertEquals(Math.round(0.3 * artifactClass), marked);
        for (int i = 0; i < set.size(); i++) {
            assertTrue(!stamped[i] || classes[i] == 0, "only class 0 is stamped");
            assertEquals(stamped[i], hasGlyph(set.get(i)), "glyph present exactly when labelled, image " + i);
        }
        boolean[] none = gen.generate(3, 500, 0).stamped();
        assertFalse(IntStream.range(0, none.length).anyMatch(i -> none[i]));
    }

    @Test
    void stampChangesOnlyTheCornerAndAddsTheLabel() {
        ImageSet clean = gen.generate(4, 30, 0);
        Random rnd = new Random(1);
        for (ProceduralImages.Sample s : clean.samples()) {
            ProceduralImages.Sample t = gen.stamp(s, rnd);
            assertTrue(t.stamped());
            assertTrue(Arrays.stream(t.conceptIds()).anyMatch(c -> c == gen.watermarkConcept()));
            assertTrue(hasGlyph(t));
            float[] a = s.pixels();
            float[] b = t.pixels();
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int i = (c * 32 + y) * 32 + x;
                        assertTrue(a[i] == b[i] || (x >= 22 && y >= 22), "changed outside the corner at " + x + ","
                                + y);
                    }
                }
            }
        }
        assertEquals(30, gen.stampAll(clean, 2).size());
        assertArrayEquals(clean.classLabels(), gen.stampAll(clean, 2).classLabels());
    }

    /** Whether a 5×5 white-X-on-black lies somewhere in the bottom-right 10×10 corner. */
    private static boolean hasGlyph(ProceduralImages.Sample s) {
        float[] px = s.pixels();
        for (int y0 = 22; y0 <= 27; y0++) {
            for (int x0 = 22; x0 <= 27; x0++) {
                boolean all = true;
                for (int y = 0; y < 5 && all; y++) {
                    for (int x = 0; x < 5 && all; x++) {
                        float want = x == y || x == 4 - y ? 1f : 0f;
                        for (int c = 0; c < 3; c++) {
                            all &= px[(c * 32 + y0 + y) * 32 + x0 + x] == want;
                        }
                    }
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void invalidSettingsAreRejected() {
        ProceduralImages.Params p = ProceduralImages.Params.defaults();
        assertThrows(IllegalArgumentException.class, () -> p.withClasses(7));
        assertThrows(IllegalArgumentException.class, () -> p.withClasses(3).withArtifactClass(3));
        assertThrows(IllegalArgumentException.class, () -> p.withArtifactFraction(1.5));
        assertThrows(IllegalArgumentException.class, () -> p.withGlyph(5, 4));
        assertThrows(IllegalArgumentException.class, () -> gen.generate(1, 10, -0.1));
    }
}
