package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A named sequence of transforms, applied in order with draws from one RNG. The recipes are plain data built from
 * the code values of the references (spec §3.6, dora.md §3.3); they are rebuilt from the arguments on every call,
 * so nothing is cached between renders (quirk F1 fixed).
 */
public record TransformChain(String name, List<Transform> steps) implements Transform {
    public static final double DEFAULT_ROTATE_DEGREES = 15;
    public static final double DEFAULT_SCALE_MIN = 0.5;
    public static final double DEFAULT_SCALE_MAX = 1.2;

    public TransformChain {
        steps = List.copyOf(steps);
    }

    @Override
    public NDArray apply(NDArray batch, Random rng) {
        NDArray x = batch;
        for (Transform t : steps) {
            x = t.apply(x, rng);
        }
        return x;
    }

    /**
     * A recipe by its command-line name: {@code torch-dreams}, {@code dora-default} (generate_signals),
     * {@code dora-published} or {@code none}; DORA's chains crop to {@code height}×{@code width}.
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static TransformChain named(String name, int height, int width) {
        return switch (name) {
            case "torch-dreams" -> torchDreams();
            case "dora-default" -> doraGenerateSignals(height, width);
            case "dora-published" -> doraPublished(height, width);
            case "none" -> none();
            default -> throw new IllegalArgumentException("transforms '" + name
                    + "': expected torch-dreams, dora-default, dora-published or none");
        };
    }

    /** No transforms: the model sees the image as parametrised. */
    public static TransformChain none() {
        return new TransformChain("none", List.of());
    }

    /** torch-dreams' {@code render} default: affine ±15°, no translation, then per-axis resize U(0.5, 1.2). */
    public static TransformChain torchDreams() {
        return torchDreams(DEFAULT_ROTATE_DEGREES, DEFAULT_SCALE_MIN, DEFAULT_SCALE_MAX, 0, 0);
    }

    /** torch-dreams' chain with explicit arguments: RandomAffine(rotate, translate, fill 0), then random_resize. */
    public static TransformChain torchDreams(double rotateDegrees, double scaleMin, double scaleMax,
            double translateX, double translateY) {
        return new TransformChain("torch-dreams", List.of(
                RandomAffine.of(rotateDegrees, translateX, translateY, 0),
                new RandomResize(scaleMin, scaleMax)));
    }

    /**
     * The caricature's paired chain (static = false): random resize first, then rotation and translation (fill 0),
     * applied with one draw to the image and to the input stacked in one batch.
     */
    public static TransformChain caricaturePaired(double rotateDegrees, double scaleMin, double scaleMax,
            double translateX, double translateY) {
        return new TransformChain("caricature-paired", List.of(
                new RandomResize(scaleMin, scaleMax),
                RandomAffine.of(rotateDegrees, translateX, translateY, 0)));
    }

    /**
     * DORA's {@code generate_signals} default (dora.md §3.3): Pad 2 (fill 0.5); RandomAffine(±15°, translate (0, 0.1),
     * scale 0.85…1.2, shear_x ±15°, fill 0.5); RandomCrop to the model's input size (fill 0) instead of the
     * hard-coded 224.
     */
    public static TransformChain doraGenerateSignals(int cropHeight, int cropWidth) {
        return new TransformChain("dora-generate-signals", List.of(
                new Pad(2, 0.5),
                new RandomAffine(15, 0, 0.1, 0.85, 1.2, 15, 0.5),
                new RandomCrop(cropHeight, cropWidth, false, 0)));
    }

    /**
     * The chain of DORA's published experiments (dora.md §3.3): Pad 2 (fill 0.5); ten RandomAffine jitters of
     * translate ±0.015 (fill 0.5); RandomAffine(±20°, scale 0.75…1.025, fill 0.5); RandomCrop to the model's input
     * size with pad_if_needed (fill 0).
     */
    public static TransformChain doraPublished(int cropHeight, int cropWidth) {
        List<Transform> steps = new ArrayList<>();
        steps.add(new Pad(2, 0.5));
        for (int i = 0; i < 10; i++) {
            steps.add(RandomAffine.of(0, 0.015, 0.015, 0.5));
        }
        steps.add(new RandomAffine(20, 0, 0, 0.75, 1.025, 0, 0.5));
        steps.add(new RandomCrop(cropHeight, cropWidth, true, 0));
        return new TransformChain("dora-published", steps);
    }
}
