package io.neurowatch.ops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.analyzers.featureviz.RenderImages;
import io.neurowatch.analyzers.synthetic.ImageSet;
import io.neurowatch.analyzers.synthetic.ProceduralImages;
import io.neurowatch.connectors.io.NpyArray;
import io.neurowatch.connectors.io.NpyReader;
import io.neurowatch.connectors.io.NpyWriter;
import io.neurowatch.connectors.model.Pooling;
import io.neurowatch.connectors.model.SmallCnn;
import io.neurowatch.connectors.model.TappedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLIP-Dissect from probe images: {@code probe} runs a target model and an image encoder over a directory, its
 * outputs feed {@code dissect --image-embeddings --text-embeddings}, and the cache is reused only while every input
 * is unchanged.
 */
class ProbeCommandTest {
    @TempDir
    Path dir;

    @Test
    void probeFeedsDissectAndNeverReusesAStaleCache() throws Exception {
        ProceduralImages gen = new ProceduralImages(ProceduralImages.Params.defaults());
        ImageSet set = gen.generate(3, 40, 0);
        Path images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < set.size(); i++) {
            ImageIO.write(RenderImages.toImage(set.get(i).pixels(), 32, 32), "png",
                    images.resolve(String.format("img%03d.png", i)).toFile());
        }
        Path targetFile = dir.resolve("target.nwcnn");
        Path encoderFile = dir.resolve("encoder.nwcnn");
        try (TappedModel t = SmallCnn.create(SmallCnn.Config.of(3, 32, 32, 5), 1);
             TappedModel e = SmallCnn.create(SmallCnn.Config.of(3, 32, 32, 5), 2)) {
            SmallCnn.save(t, targetFile);
            SmallCnn.save(e, encoderFile);
        }
        Path out = dir.resolve("probe");
        String[] probe = {"probe", "--model", targetFile.toString(), "--input-scaling", "unit", "--layer", "pool",
            "--images", images.toString(), "--image-encoder", encoderFile.toString(), "--encoder-output", "pool",
            "--encoder-size", "32x32", "--encoder-normalisation", "unit", "--out", out.toString()};
        CliRun first = CliRun.run(probe);
        assertEquals(0, first.exit(), first.err());
        NpyArray acts = NpyReader.read(out.resolve("activations.npy"));
        NpyArray emb = NpyReader.read(out.resolve("image-embeddings.npy"));
        assertArrayEquals(new long[] {40, 64}, acts.shape());
        assertArrayEquals(new long[] {40, 64}, emb.shape());

        // The activations are the target model's pooled layer on the decoded PNGs (8-bit, so within 1/255 input).
        try (TappedModel t = SmallCnn.load(targetFile); NDManager m = NDManager.newBaseManager()) {
            float[] px = java.util.Arrays.copyOf(set.get(7).pixels(), 3 * 32 * 32);
            for (int i = 0; i < px.length; i++) {
                px[i] = RenderImages.toByte(px[i]) / 255f;
            }
            float[] want = t.activations(m.create(px, new Shape(1, 3, 32, 32)), List.of("pool"), Pooling.MEAN)
                    .get("pool")[0];
            float[] got = java.util.Arrays.copyOfRange(acts.toFloatRowMajor(), 7 * 64, 8 * 64);
            assertArrayEquals(want, got, 1e-4f);
        }

        CliRun again = CliRun.run(probe);
        assertTrue(again.out().contains("inputs unchanged"), again.out());
        Files.setLastModifiedTime(images.resolve("img005.png"), FileTime.fromMillis(System.currentTimeMillis()
                + 60_000));
        CliRun changed = CliRun.run(probe);
        assertTrue(changed.out().contains("inputs changed"), changed.out());

        // dissect from the embeddings: text embeddings for 6 concepts, concept 4 is image 7's own embedding.
        float[] texts = new float[6 * 64];
        Random rnd = new Random(4);
        for (int i = 0; i < texts.length; i++) {
            texts[i] = (float) rnd.nextGaussian();
        }
        System.arraycopy(emb.toFloatRowMajor(), 7 * 64, texts, 4 * 64, 64);
        NpyWriter.writeFloat32(dir.resolve("texts.npy"), texts, 6, 64);
        Files.writeString(dir.resolve("concepts.txt"), "a\nb\nc\nd\nseven\nf\n");
        Path result = dir.resolve("dissect.json");
        CliRun d = CliRun.run("dissect", "--activations", out.resolve("activations.npy").toString(),
                "--image-embeddings", out.resolve("image-embeddings.npy").toString(), "--text-embeddings",
                dir.resolve("texts.npy").toString(), "--concepts", dir.resolve("concepts.txt").toString(),
                "--top-k", "5", "--out", result.toString(), "--quiet");
        assertEquals(0, d.exit(), d.err());
        JsonNode json = new ObjectMapper().readTree(result.toFile());
        assertEquals(64, json.get("results").size());
        CliRun bad = CliRun.run("dissect", "--activations", out.resolve("activations.npy").toString(),
                "--image-embeddings", out.resolve("image-embeddings.npy").toString(), "--concepts",
                dir.resolve("concepts.txt").toString(), "--out", result.toString());
        assertTrue(bad.exit() != 0 && bad.err().contains("--text-embeddings"), bad.err());
    }
}
