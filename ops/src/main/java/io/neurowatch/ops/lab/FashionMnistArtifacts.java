package io.neurowatch.ops.lab;

import io.neurowatch.analyzers.synthetic.ProceduralImages;
import io.neurowatch.connectors.model.IdxReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The planted-artifact experiment on real images: Fashion-MNIST (Debian's {@code dataset-fashion-mnist} IDX files),
 * grey 28×28 replicated to three channels, with the watermark glyph stamped on a share of one class's training
 * images, and held-out test images with stamped copies for the ground truth.
 *
 * @param train training images, 3-channel CHW rows in [0, 1]
 * @param trainLabels their classes
 * @param clean held-out images
 * @param stamped the same held-out images, stamped
 * @param testLabels classes of the held-out images
 */
public record FashionMnistArtifacts(float[] train, int[] trainLabels, float[] clean, float[] stamped,
                                    int[] testLabels) {
    public static final int SIDE = 28;
    public static final int CLASSES = 10;
    /** Where Debian's package puts the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Whether the IDX files are present in {@code dir}. */
    public static boolean available(Path dir) {
        return Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))
                && Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz"));
    }

    /**
     * @param trainCount training images taken from the start of the training file
     * @param testCount held-out images taken from the start of the test file
     * @param artifactClass the class whose training images get the watermark
     * @param fraction share of that class's training images stamped
     */
    public static FashionMnistArtifacts load(Path dir, int trainCount, int testCount, int artifactClass,
                                             double fraction, long seed) throws IOException {
        IdxReader.IdxArray trainImages = IdxReader.read(dir.resolve("train-images-idx3-ubyte.gz"));
        int[] trainLabels = IdxReader.readLabels(dir.resolve("train-labels-idx1-ubyte.gz"));
        IdxReader.IdxArray testImages = IdxReader.read(dir.resolve("t10k-images-idx3-ubyte.gz"));
        float[] train = rgb(trainImages, trainCount);
        float[] clean = rgb(testImages, testCount);
        int[] labels = java.util.Arrays.copyOf(trainLabels, trainCount);
        Random rnd = new Random(seed);
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < trainCount; i++) {
            if (labels[i] == artifactClass) {
                rows.add(i);
            }
        }
        Collections.shuffle(rows, rnd);
        int per = 3 * SIDE * SIDE;
        for (int k = 0; k < Math.round(fraction * rows.size()); k++) {
            stampRow(train, rows.get(k), per, rnd);
        }
        float[] stamped = clean.clone();
        for (int i = 0; i < testCount; i++) {
            stampRow(stamped, i, per, rnd);
        }
        int[] testLabels = java.util.Arrays.copyOf(IdxReader.readLabels(dir.resolve("t10k-labels-idx1-ubyte.gz")),
                testCount);
        return new FashionMnistArtifacts(train, labels, clean, stamped, testLabels);
    }

    /**
     * Concept labels of the probe set {@code clean ++ stamped}: {@code class_<k>} for each image's class and
     * {@code watermark} on the stamped copies (concept 10).
     */
    public io.neurowatch.core.LabelMatrix probeLabels() {
        int n = testLabels.length;
        io.neurowatch.core.LabelMatrix.Builder b = io.neurowatch.core.LabelMatrix.builder(2 * n, CLASSES + 1);
        for (int i = 0; i < n; i++) {
            b.set(i, testLabels[i]);
            b.set(n + i, testLabels[i]);
            b.set(n + i, CLASSES);
        }
        return b.build();
    }

    /** Names of {@link #probeLabels()}' columns. */
    public static io.neurowatch.core.ConceptSet probeConcepts() {
        List<io.neurowatch.core.Concept> cs = new ArrayList<>();
        for (int k = 0; k < CLASSES; k++) {
            cs.add(io.neurowatch.core.Concept.of("class_" + k));
        }
        cs.add(io.neurowatch.core.Concept.of(ProceduralImages.WATERMARK));
        return io.neurowatch.core.ConceptSet.of(cs);
    }

    private static void stampRow(float[] images, int row, int per, Random rnd) {
        float[] img = java.util.Arrays.copyOfRange(images, row * per, (row + 1) * per);
        ProceduralImages.stampGlyph(img, SIDE, 5, 10, rnd);
        System.arraycopy(img, 0, images, row * per, per);
    }

    private static float[] rgb(IdxReader.IdxArray images, int count) {
        int plane = SIDE * SIDE;
        int[] dims = images.dims();
        if (dims.length != 3 || dims[1] != SIDE || dims[2] != SIDE || dims[0] < count) {
            throw new IllegalArgumentException("expected at least " + count + " images of 28x28, found "
                    + java.util.Arrays.toString(dims));
        }
        float[] out = new float[count * 3 * plane];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < plane; p++) {
                float v = images.get((long) i * plane + p) / 255f;
                for (int c = 0; c < 3; c++) {
                    out[(i * 3 + c) * plane + p] = v;
                }
            }
        }
        return out;
    }
}
