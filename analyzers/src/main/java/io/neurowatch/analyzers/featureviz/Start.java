package io.neurowatch.analyzers.featureviz;

/**
 * Where one image's optimisation begins. A passed-in parameter or image is copied, never mutated.
 */
public sealed interface Start {
    /**
     * N(0, sd²) noise from {@code new Random(seed)}; a null seed means "derive it from the job seed and the image's
     * index" ({@link #initSeed(long, int)}), which is what makes a batch reproducible one image at a time.
     */
    record Noise(Long seed) implements Start {
    }

    /** Explicit values of the configured parametrization's parameter (e.g. a previous render's, to continue it). */
    record Parameter(float[] values) implements Start {
        public Parameter {
            values = values.clone();
        }
    }

    /** A start image (CHW, values in [0,1], the render's size), through {@link StartImageParametrization}. */
    record Image(float[] chw01) implements Start {
        public Image {
            chw01 = chw01.clone();
        }
    }

    static Start noise() {
        return new Noise(null);
    }

    static Start noise(long seed) {
        return new Noise(seed);
    }

    static Start parameter(float[] values) {
        return new Parameter(values);
    }

    static Start image(float[] chw01) {
        return new Image(chw01);
    }

    /**
     * The initialisation seed of image {@code index} of a job with seed {@code jobSeed}: a SplitMix64 mix, so that
     * neighbouring seeds and indices give unrelated streams, and independent of the transform draws.
     */
    static long initSeed(long jobSeed, int index) {
        long z = jobSeed + 0x9E3779B97F4A7C15L * (index + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
