package io.neurowatch.analyzers.synthetic;

import io.neurowatch.core.Concept;
import io.neurowatch.core.ConceptSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

/**
 * Ground truth for the planted-artifact experiment: small RGB images of one shape on a plain background, every
 * image labelled with the concepts it was drawn from, and a watermark glyph planted on part of ONE class.
 *
 * <p>An image is a shape (its class: class k is {@code Shape.values()[k]}) of a random size and position, filled
 * with a shape colour and a texture (plain, stripes, dots), on a background colour, plus Gaussian pixel noise and a
 * few specks of clutter. Colour, texture and background are drawn independently of the class, so they are concepts
 * a network may but need not use. The artifact is a fixed {@link Params#glyphSize()}² glyph, a white X on black,
 * stamped at a random position inside the bottom-right {@link Params#cornerRegion()}² corner; {@link #generate}
 * stamps it on a fraction of the artifact class's images (so a network can learn it as a shortcut to that class),
 * {@link #stamp} on any image (the held-out probe). A stamped image carries the concept {@value #WATERMARK}.
 *
 * <p>Why the clutter: without it a network trained on clean data has never seen a small high-contrast blob, and
 * its generic edge channels respond to the glyph almost as clearly as a shortcut channel does (best channel AUROC
 * clean vs stamped ≈ 0.85 instead of ≈ 0.65), which blurs the ground truth.
 *
 * <p>Pixels are float CHW (R, G, B planes) in [0, 1]. Deterministic for a seed. Immutable and thread-safe.
 */
public final class ProceduralImages {

    /** Concept id of the planted artifact. */
    public static final String WATERMARK = "watermark";

    /** Shapes; class k draws shape {@code values()[k]}. */
    public enum Shape { CIRCLE, SQUARE, TRIANGLE, CROSS, DIAMOND, RING }

    /** Fill patterns of the shape. */
    public enum Texture { PLAIN, STRIPES, DOTS }

    /** A named RGB colour with components in [0, 1]. */
    public record NamedColor(String name, float r, float g, float b) {
        float channel(int c) {
            return c == 0 ? r : c == 1 ? g : b;
        }
    }

    /** Shape colours (bright), drawn uniformly. */
    public static final List<NamedColor> SHAPE_COLORS = List.of(
            new NamedColor("red", 0.90f, 0.15f, 0.10f), new NamedColor("green", 0.15f, 0.80f, 0.20f),
            new NamedColor("blue", 0.20f, 0.35f, 0.95f), new NamedColor("yellow", 0.95f, 0.85f, 0.15f),
            new NamedColor("magenta", 0.85f, 0.20f, 0.80f), new NamedColor("cyan", 0.15f, 0.80f, 0.85f));

    /** Background colours (dark, so that every shape stands out), drawn uniformly. */
    public static final List<NamedColor> BACKGROUNDS = List.of(
            new NamedColor("black", 0.05f, 0.05f, 0.05f), new NamedColor("gray", 0.40f, 0.40f, 0.40f),
            new NamedColor("navy", 0.05f, 0.08f, 0.35f), new NamedColor("olive", 0.35f, 0.35f, 0.08f),
            new NamedColor("maroon", 0.35f, 0.06f, 0.08f), new NamedColor("teal", 0.05f, 0.30f, 0.30f));

    /**
     * Generator settings.
     *
     * @param size image height and width in pixels (≥ 16)
     * @param classes number of classes, 2 – 6; class k is shape k
     * @param artifactClass the class whose training images receive the watermark
     * @param artifactFraction share of the artifact class's images stamped by {@link #generate}, in [0, 1]
     * @param glyphSize side of the checkerboard glyph in pixels
     * @param cornerRegion side of the bottom-right corner square the glyph is placed in (≥ glyphSize)
     * @param noise standard deviation of the Gaussian pixel noise
     * @param clutter most specks per image: each image gets 0 – clutter squares of 2 – 4 px of random gray pixels
     *     at random positions (see the class comment for why)
     */
    public record Params(int size, int classes, int artifactClass, double artifactFraction, int glyphSize,
                         int cornerRegion, double noise, int clutter) {
        public Params {
            if (size < 16) {
                throw new IllegalArgumentException("image size must be at least 16, got " + size);
            }
            if (classes < 2 || classes > Shape.values().length) {
                throw new IllegalArgumentException("classes must be in [2, " + Shape.values().length + "], got "
                        + classes);
            }
            if (artifactClass < 0 || artifactClass >= classes) {
                throw new IllegalArgumentException("artifact class " + artifactClass + " outside [0, " + classes
                        + ")");
            }
            if (!(artifactFraction >= 0 && artifactFraction <= 1)) {
                throw new IllegalArgumentException("artifact fraction must be in [0, 1], got " + artifactFraction);
            }
            if (glyphSize < 2 || cornerRegion < glyphSize || cornerRegion > size) {
                throw new IllegalArgumentException("need 2 <= glyph size (" + glyphSize + ") <= corner region ("
                        + cornerRegion + ") <= image size (" + size + ")");
            }
            if (!(noise >= 0) || clutter < 0) {
                throw new IllegalArgumentException("noise and clutter must be >= 0, got " + noise + " and " + clutter);
            }
        }

        /**
         * 32×32 images, 5 classes, class 0 (circles) watermarked at 30 %, a 5×5 glyph in a 10×10 corner, noise 0.03,
         * up to 4 specks.
         */
        public static Params defaults() {
            return new Params(32, 5, 0, 0.3, 5, 10, 0.03, 4);
        }

        public Params withArtifactFraction(double fraction) {
            return new Params(size, classes, artifactClass, fraction, glyphSize, cornerRegion, noise, clutter);
        }

        public Params withClasses(int count) {
            return new Params(size, count, artifactClass, artifactFraction, glyphSize, cornerRegion, noise, clutter);
        }

        public Params withArtifactClass(int cls) {
            return new Params(size, classes, cls, artifactFraction, glyphSize, cornerRegion, noise, clutter);
        }

        public Params withGlyph(int glyph, int region) {
            return new Params(size, classes, artifactClass, artifactFraction, glyph, region, noise, clutter);
        }

        public Params withClutter(int specks) {
            return new Params(size, classes, artifactClass, artifactFraction, glyphSize, cornerRegion, noise, specks);
        }

        public Params withNoise(double sigma) {
            return new Params(size, classes, artifactClass, artifactFraction, glyphSize, cornerRegion, sigma, clutter);
        }

        /** Floats per image: 3 · size². */
        public int pixelsPerImage() {
            return 3 * size * size;
        }
    }

    /**
     * One image and the concepts it was drawn from.
     *
     * @param pixels float CHW [3, size, size] in [0, 1]
     * @param classLabel the class (= shape ordinal)
     * @param shapeColor index into {@link #SHAPE_COLORS}
     * @param background index into {@link #BACKGROUNDS}
     * @param stamped whether the watermark is on the image
     * @param conceptIds positions in {@link #concepts()} of the image's shape, colour, texture, background and, if
     *     stamped, the watermark, ascending
     */
    public record Sample(float[] pixels, int classLabel, Shape shape, int shapeColor, Texture texture,
                         int background, boolean stamped, int[] conceptIds) {
        public Sample {
            pixels = pixels.clone();
            conceptIds = conceptIds.clone();
        }

        @Override
        public float[] pixels() {
            return pixels.clone();
        }

        @Override
        public int[] conceptIds() {
            return conceptIds.clone();
        }

        void copyPixelsTo(float[] dst, int offset) {
            System.arraycopy(pixels, 0, dst, offset, pixels.length);
        }
    }

    private final Params params;
    private final ConceptSet concepts;
    private final int shapeBase;
    private final int colorBase;
    private final int textureBase;
    private final int backgroundBase;
    private final int watermarkId;

    public ProceduralImages(Params params) {
        this.params = Objects.requireNonNull(params, "params");
        List<Concept> list = new ArrayList<>();
        shapeBase = list.size();
        for (int k = 0; k < params.classes(); k++) {
            list.add(Concept.of("shape_" + Shape.values()[k].name().toLowerCase(Locale.ROOT)));
        }
        colorBase = list.size();
        SHAPE_COLORS.forEach(c -> list.add(Concept.of("color_" + c.name())));
        textureBase = list.size();
        for (Texture t : Texture.values()) {
            list.add(Concept.of("texture_" + t.name().toLowerCase(Locale.ROOT)));
        }
        backgroundBase = list.size();
        BACKGROUNDS.forEach(c -> list.add(Concept.of("bg_" + c.name())));
        watermarkId = list.size();
        list.add(Concept.of(WATERMARK));
        concepts = ConceptSet.of(list);
    }

    public Params params() {
        return params;
    }

    /**
     * The concept vocabulary, in this order: {@code shape_<name>} for each class, {@code color_<name>},
     * {@code texture_<name>}, {@code bg_<name>}, {@value #WATERMARK}.
     */
    public ConceptSet concepts() {
        return concepts;
    }

    /** Position of {@value #WATERMARK} in {@link #concepts()}. */
    public int watermarkConcept() {
        return watermarkId;
    }

    /**
     * {@code n} images with classes drawn uniformly; exactly round(fraction · count) of the artifact class's images,
     * chosen at random, are stamped.
     *
     * @param artifactFraction overrides {@link Params#artifactFraction()} (pass 0 for clean held-out data)
     */
    public ImageSet generate(long seed, int n, double artifactFraction) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (!(artifactFraction >= 0 && artifactFraction <= 1)) {
            throw new IllegalArgumentException("artifact fraction must be in [0, 1], got " + artifactFraction);
        }
        Random rnd = new Random(seed);
        List<Sample> samples = new ArrayList<>(n);
        List<Integer> artifactRows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Sample s = draw(rnd);
            if (s.classLabel() == params.artifactClass()) {
                artifactRows.add(i);
            }
            samples.add(s);
        }
        Collections.shuffle(artifactRows, rnd);
        int stamp = (int) Math.round(artifactFraction * artifactRows.size());
        for (int k = 0; k < stamp; k++) {
            int row = artifactRows.get(k);
            samples.set(row, stamp(samples.get(row), rnd));
        }
        return new ImageSet(samples, concepts, params.size());
    }

    /** As {@link #generate(long, int, double)} with {@link Params#artifactFraction()}. */
    public ImageSet generate(long seed, int n) {
        return generate(seed, n, params.artifactFraction());
    }

    /** A copy of {@code image} with the watermark at a random position of the corner region, labelled stamped. */
    public Sample stamp(Sample image, Random rnd) {
        float[] px = image.pixels();
        stampGlyph(px, params.size(), params.glyphSize(), params.cornerRegion(), rnd);
        return new Sample(px, image.classLabel(), image.shape(), image.shapeColor(), image.texture(),
                image.background(), true, conceptIds(image.classLabel(), image.shapeColor(), image.texture(),
                image.background(), true));
    }

    /**
     * Draws the watermark — a {@code glyph}² white X on black — in place at a random position of the bottom-right
     * {@code region}² corner of a CHW image of side {@code side} with any number of channels (also used on real
     * images, e.g. Fashion-MNIST).
     */
    public static void stampGlyph(float[] chw, int side, int glyph, int region, Random rnd) {
        int channels = chw.length / (side * side);
        int slack = region - glyph;
        int x0 = side - region + rnd.nextInt(slack + 1);
        int y0 = side - region + rnd.nextInt(slack + 1);
        for (int y = 0; y < glyph; y++) {
            for (int x = 0; x < glyph; x++) {
                float v = x == y || x == glyph - 1 - y ? 1f : 0f;
                for (int c = 0; c < channels; c++) {
                    chw[(c * side + y0 + y) * side + x0 + x] = v;
                }
            }
        }
    }

    /** Stamped copies of every image of {@code set}, positions drawn from {@code seed}. */
    public ImageSet stampAll(ImageSet set, long seed) {
        Random rnd = new Random(seed);
        List<Sample> out = new ArrayList<>(set.size());
        for (Sample s : set.samples()) {
            out.add(stamp(s, rnd));
        }
        return new ImageSet(out, concepts, params.size());
    }

    private Sample draw(Random rnd) {
        int s = params.size();
        int cls = rnd.nextInt(params.classes());
        Shape shape = Shape.values()[cls];
        int color = rnd.nextInt(SHAPE_COLORS.size());
        Texture texture = Texture.values()[rnd.nextInt(Texture.values().length)];
        int background = rnd.nextInt(BACKGROUNDS.size());
        double radius = s * (0.22 + 0.14 * rnd.nextDouble());
        double cx = radius + 1 + rnd.nextDouble() * (s - 2 * radius - 2);
        double cy = radius + 1 + rnd.nextDouble() * (s - 2 * radius - 2);
        int orientation = rnd.nextInt(3);
        NamedColor fg = SHAPE_COLORS.get(color);
        NamedColor bg = BACKGROUNDS.get(background);
        float[] px = new float[3 * s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double coverage = coverage(shape, (x - cx) / radius, (y - cy) / radius, 0.5 / radius);
                float shade = shade(texture, orientation, x, y);
                for (int c = 0; c < 3; c++) {
                    double v = coverage * fg.channel(c) * shade + (1 - coverage) * bg.channel(c)
                            + params.noise() * rnd.nextGaussian();
                    px[(c * s + y) * s + x] = (float) Math.min(1, Math.max(0, v));
                }
            }
        }
        int specks = rnd.nextInt(params.clutter() + 1);
        for (int k = 0; k < specks; k++) {
            int w = 2 + rnd.nextInt(3);
            int x0 = rnd.nextInt(s - w + 1);
            int y0 = rnd.nextInt(s - w + 1);
            for (int y = 0; y < w; y++) {
                for (int x = 0; x < w; x++) {
                    float v = rnd.nextFloat();
                    for (int c = 0; c < 3; c++) {
                        px[(c * s + y0 + y) * s + x0 + x] = v;
                    }
                }
            }
        }
        return new Sample(px, cls, shape, color, texture, background, false,
                conceptIds(cls, color, texture, background, false));
    }

    /** Share of the pixel inside the shape, from 2×2 sub-samples; {@code h} is half a pixel in shape units. */
    private static double coverage(Shape shape, double u, double v, double h) {
        int inside = 0;
        for (int dy = -1; dy <= 1; dy += 2) {
            for (int dx = -1; dx <= 1; dx += 2) {
                inside += contains(shape, u + dx * h / 2, v + dy * h / 2) ? 1 : 0;
            }
        }
        return inside / 4.0;
    }

    /** Shape membership in units of the radius, y pointing down. */
    static boolean contains(Shape shape, double u, double v) {
        double au = Math.abs(u);
        double av = Math.abs(v);
        return switch (shape) {
            case CIRCLE -> u * u + v * v <= 1;
            case SQUARE -> au <= 0.8 && av <= 0.8;
            case TRIANGLE -> v >= -0.9 && v <= 0.8 && au <= (v + 0.9) * 0.6;
            case CROSS -> (au <= 0.3 && av <= 1) || (av <= 0.3 && au <= 1);
            case DIAMOND -> au + av <= 1;
            case RING -> {
                double r2 = u * u + v * v;
                yield r2 <= 1 && r2 >= 0.36;
            }
        };
    }

    /** Brightness factor of the texture at a pixel: stripes of period 4 px, 2×2 dark dots every 4 px. */
    private static float shade(Texture texture, int orientation, int x, int y) {
        return switch (texture) {
            case PLAIN -> 1f;
            case STRIPES -> {
                int t = orientation == 0 ? y : orientation == 1 ? x : x + y;
                yield (t / 2) % 2 == 0 ? 1f : 0.35f;
            }
            case DOTS -> (x % 4 == 1 || x % 4 == 2) && (y % 4 == 1 || y % 4 == 2) ? 0.3f : 1f;
        };
    }

    private int[] conceptIds(int cls, int color, Texture texture, int background, boolean stamped) {
        int[] ids = new int[stamped ? 5 : 4];
        ids[0] = shapeBase + cls;
        ids[1] = colorBase + color;
        ids[2] = textureBase + texture.ordinal();
        ids[3] = backgroundBase + background;
        if (stamped) {
            ids[4] = watermarkId;
        }
        return ids;
    }
}
