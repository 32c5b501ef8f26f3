package io.neurowatch.ops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurowatch.analyzers.featureviz.RenderImages;
import io.neurowatch.analyzers.synthetic.ProceduralImages;
import io.neurowatch.connectors.io.NpyReader;
import io.neurowatch.connectors.model.SmallCnn;
import io.neurowatch.connectors.model.TappedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render} and {@code dora --model} on a small CNN built in the test. */
class ModelCommandsTest {
    @TempDir
    Path dir;
    private Path model;

    @BeforeEach
    void saveModel() throws Exception {
        model = dir.resolve("m.nwcnn");
        try (TappedModel m = SmallCnn.create(new SmallCnn.Config(3, 24, 24, 3, 4, 8, 8), 3)) {
            SmallCnn.save(m, model);
        }
    }

    @Test
    void renderWritesDeterministicPngsAContactSheetAndCaricatures() throws Exception {
        String[] args = {"render", "--model", model.toString(), "--input-scaling", "unit", "--layer", "conv3",
            "--channels", "1,5", "--iters", "15", "--seed", "9", "--out", dir.resolve("a").toString()};
        CliRun run = CliRun.run(args);
        assertEquals(0, run.exit(), run.err());
        args[args.length - 1] = dir.resolve("b").toString();
        assertEquals(0, CliRun.run(args).exit());
        for (String f : new String[] {"000-conv3-channel-1.png", "001-conv3-channel-5.png"}) {
            assertTrue(Files.exists(dir.resolve("a").resolve(f)), f + " in " + run.out());
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)),
                    Files.readAllBytes(dir.resolve("b").resolve(f)), "same seed, same image: " + f);
        }
        assertTrue(Files.exists(dir.resolve("a/contact-sheet.png")));
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("a/renders.json").toFile());
        assertEquals(9, manifest.get("config").get("seed").asLong());

        Path photo = dir.resolve("photo.png");
        ProceduralImages gen = new ProceduralImages(ProceduralImages.Params.defaults());
        ImageIO.write(RenderImages.toImage(gen.generate(1, 1, 0).get(0).pixels(), 32, 32), "png", photo.toFile());
        CliRun c = CliRun.run("render", "--model", model.toString(), "--input-scaling", "unit", "--layer", "conv2",
                "--caricature", photo.toString(), "--iters", "10", "--out", dir.resolve("c").toString());
        assertEquals(0, c.exit(), c.err());
        assertTrue(ImageIO.read(dir.resolve("c/caricature.png").toFile()).getWidth() == 24);
        CliRun none = CliRun.run("render", "--model", model.toString(), "--layer", "conv3", "--out",
                dir.resolve("d").toString());
        assertTrue(none.exit() != 0 && none.err().contains("--channels"), none.err());
    }

    @Test
    void doraFromAModelGeneratesEncodesAndReusesItsCache() throws Exception {
        Path cache = dir.resolve("cache");
        String[] args = {"dora", "--model", model.toString(), "--input-scaling", "unit", "--layer", "conv3",
            "--iters", "10", "--lr", "0.05", "--samples", "2", "--batch-size", "4", "--n-neighbors", "3",
            "--cache", cache.toString(), "--out", dir.resolve("out").toString()};
        CliRun first = CliRun.run(args);
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains("4 batches, 4 generated, 0 from the cache"), first.out());
        assertArrayEquals(new long[] {8, 8, 2}, NpyReader.read(dir.resolve("out/A.npy")).shape());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("out/dora.json").toFile());
        assertEquals(8, json.get("negative_outlier_factor").size());
        assertTrue(Files.exists(dir.resolve("out/atlas.png")));
        byte[] d1 = Files.readAllBytes(dir.resolve("out/distances.npy"));

        CliRun again = CliRun.run(args);
        assertTrue(again.out().contains("4 batches, 0 generated, 4 from the cache"), again.out());
        assertArrayEquals(d1, Files.readAllBytes(dir.resolve("out/distances.npy")), "cached signals, same result");

        String[] seeded = java.util.Arrays.copyOf(args, args.length + 2);
        seeded[args.length] = "--seed";
        seeded[args.length + 1] = "5";
        CliRun other = CliRun.run(seeded);
        assertTrue(other.out().contains("4 batches, 4 generated, 0 from the cache"),
                "another seed is another key: " + other.out());
    }
}
