package io.neurowatch.analyzers.featureviz;

/**
 * Everything a render depends on besides the model and the objectives (spec §6). The seed is required: it drives
 * the transform draws (one {@code java.util.Random(seed)} per job) and, mixed with the image index, the noise
 * initialisation, so a config plus the model reproduces a render exactly on CPU.
 *
 * @param width image width (ignored by a caricature, which uses the input's size)
 * @param height image height
 * @param iters optimisation steps, default 120 (DORA's published runs use 500)
 * @param lr AdamW learning rate, default 9e-3
 * @param weightDecay decoupled weight decay: 0 for renders, 1e-3 for caricatures
 * @param gradClip per-image L2 norm clip, default 1.0
 * @param transforms the robustness chain, redrawn every step
 * @param seed the job seed
 * @param initSd standard deviation of the noise initialisation, default 0.01
 * @param parametrization for images that start from noise or from explicit parameters
 * @param compatUnnormalisedStart feed start-image parametrizations' images un-normalised, as the reference does
 *     (quirk F4); false feeds the normalised image like every other parametrization
 */
public record RenderConfig(int width, int height, int iters, double lr, double weightDecay, double gradClip,
        TransformChain transforms, long seed, double initSd, ParametrizationKind parametrization,
        boolean compatUnnormalisedStart) {
    public static final int DEFAULT_SIZE = 256;
    public static final int DEFAULT_ITERS = 120;
    public static final double DEFAULT_GRAD_CLIP = 1.0;
    public static final double DEFAULT_INIT_SD = 0.01;
    public static final double CARICATURE_WEIGHT_DECAY = 1e-3;
    public static final double CARICATURE_TRANSLATE = 0.1;

    public RenderConfig {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (iters < 0) {
            throw new IllegalArgumentException("iters must be >= 0, got " + iters);
        }
        AdamW.of(lr, weightDecay);
        if (!(gradClip > 0) || !(initSd >= 0) || !Double.isFinite(initSd)) {
            throw new IllegalArgumentException("grad clip must be positive and init sd non-negative");
        }
        if (transforms == null || parametrization == null) {
            throw new IllegalArgumentException("transforms and parametrization are required");
        }
    }

    /** The reference's {@code render} defaults: 256², 120 steps, lr 9e-3, wd 0, clip 1, torch-dreams chain. */
    public static RenderConfig defaults(long seed) {
        return new RenderConfig(DEFAULT_SIZE, DEFAULT_SIZE, DEFAULT_ITERS, AdamW.DEFAULT_LR, 0, DEFAULT_GRAD_CLIP,
                TransformChain.torchDreams(), seed, DEFAULT_INIT_SD, ParametrizationKind.SPECTRAL, false);
    }

    /**
     * The reference's {@code caricature} defaults (spec §3.10): wd 1e-3, rotation 15°, scale 0.5…1.2, translation
     * 0.1; the paired chain (resize, then affine) when the target follows the transforms, the render chain with
     * translation when the target is static.
     */
    public static RenderConfig caricatureDefaults(long seed, boolean staticTarget) {
        TransformChain chain = staticTarget
                ? TransformChain.torchDreams(TransformChain.DEFAULT_ROTATE_DEGREES, TransformChain.DEFAULT_SCALE_MIN,
                        TransformChain.DEFAULT_SCALE_MAX, CARICATURE_TRANSLATE, CARICATURE_TRANSLATE)
                : TransformChain.caricaturePaired(TransformChain.DEFAULT_ROTATE_DEGREES,
                        TransformChain.DEFAULT_SCALE_MIN, TransformChain.DEFAULT_SCALE_MAX, CARICATURE_TRANSLATE,
                        CARICATURE_TRANSLATE);
        return defaults(seed).withWeightDecay(CARICATURE_WEIGHT_DECAY).withTransforms(chain);
    }

    public RenderConfig withSize(int newWidth, int newHeight) {
        return new RenderConfig(newWidth, newHeight, iters, lr, weightDecay, gradClip, transforms, seed, initSd,
                parametrization, compatUnnormalisedStart);
    }

    public RenderConfig withIters(int newIters) {
        return new RenderConfig(width, height, newIters, lr, weightDecay, gradClip, transforms, seed, initSd,
                parametrization, compatUnnormalisedStart);
    }

    public RenderConfig withLr(double newLr) {
        return new RenderConfig(width, height, iters, newLr, weightDecay, gradClip, transforms, seed, initSd,
                parametrization, compatUnnormalisedStart);
    }

    public RenderConfig withWeightDecay(double newWeightDecay) {
        return new RenderConfig(width, height, iters, lr, newWeightDecay, gradClip, transforms, seed, initSd,
                parametrization, compatUnnormalisedStart);
    }

    public RenderConfig withGradClip(double newGradClip) {
        return new RenderConfig(width, height, iters, lr, weightDecay, newGradClip, transforms, seed, initSd,
                parametrization, compatUnnormalisedStart);
    }

    public RenderConfig withTransforms(TransformChain newTransforms) {
        return new RenderConfig(width, height, iters, lr, weightDecay, gradClip, newTransforms, seed, initSd,
                parametrization, compatUnnormalisedStart);
    }

    public RenderConfig withSeed(long newSeed) {
        return new RenderConfig(width, height, iters, lr, weightDecay, gradClip, transforms, newSeed, initSd,
                parametrization, compatUnnormalisedStart);
    }

    public RenderConfig withInitSd(double newInitSd) {
        return new RenderConfig(width, height, iters, lr, weightDecay, gradClip, transforms, seed, newInitSd,
                parametrization, compatUnnormalisedStart);
    }

    public RenderConfig withParametrization(ParametrizationKind kind) {
        return new RenderConfig(width, height, iters, lr, weightDecay, gradClip, transforms, seed, initSd, kind,
                compatUnnormalisedStart);
    }

    public RenderConfig withCompatUnnormalisedStart(boolean compat) {
        return new RenderConfig(width, height, iters, lr, weightDecay, gradClip, transforms, seed, initSd,
                parametrization, compat);
    }
}
