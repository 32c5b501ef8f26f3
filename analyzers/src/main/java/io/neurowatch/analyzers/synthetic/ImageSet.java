package io.neurowatch.analyzers.synthetic;

import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.LabelMatrix;
import java.util.List;

/**
 * A list of {@link ProceduralImages} samples with the views a trainer, INVERT and tests need. Immutable.
 *
 * @param samples the images, in generation order
 * @param concepts the generator's concept vocabulary; {@link ProceduralImages.Sample#conceptIds()} index it
 * @param side image height and width in pixels
 */
public record ImageSet(List<ProceduralImages.Sample> samples, ConceptSet concepts, int side) {
    public ImageSet {
        samples = List.copyOf(samples);
    }

    /** Number of images. */
    public int size() {
        return samples.size();
    }

    public ProceduralImages.Sample get(int i) {
        return samples.get(i);
    }

    /** All images as one float array [N, 3, side, side], row-major, as a trainer or a tensor takes them. */
    public float[] pixels() {
        int per = 3 * side * side;
        float[] out = new float[samples.size() * per];
        for (int i = 0; i < samples.size(); i++) {
            samples.get(i).copyPixelsTo(out, i * per);
        }
        return out;
    }

    /** Class label of every image. */
    public int[] classLabels() {
        return samples.stream().mapToInt(ProceduralImages.Sample::classLabel).toArray();
    }

    /** Whether each image carries the watermark. */
    public boolean[] stamped() {
        boolean[] out = new boolean[samples.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = samples.get(i).stamped();
        }
        return out;
    }

    /** Concept ids of every image, as the wire format's labels take them. */
    public int[][] conceptIds() {
        return samples.stream().map(ProceduralImages.Sample::conceptIds).toArray(int[][]::new);
    }

    /** The [N, C] concept labels, column c = concept c, for INVERT. */
    public LabelMatrix labels() {
        LabelMatrix.Builder b = LabelMatrix.builder(samples.size(), concepts.size());
        for (int i = 0; i < samples.size(); i++) {
            for (int c : samples.get(i).conceptIds()) {
                b.set(i, c);
            }
        }
        return b.build();
    }
}
