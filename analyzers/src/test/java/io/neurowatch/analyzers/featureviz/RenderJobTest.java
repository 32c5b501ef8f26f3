package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rendering a list of objectives into a directory: files, manifest, and independence from the batch size. */
class RenderJobTest {
    @Test
    void writesImagesSheetAndManifestIndependentOfBatchSize(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LayerFunction model = BlockLayers.sequentialTaps(TinyNets.convNet(manager, 5), 2, 4);
            List<Objective> objectives = List.of(Objectives.channel(0, 1), Objectives.channel(1, 2),
                    Objectives.channel(1, 7), Objectives.layerMean(0), Objectives.allLayersMean());
            RenderConfig config = RenderConfig.defaults(123).withSize(16, 16).withIters(6);
            Renderer renderer = new Renderer(model);
            List<int[]> progress = new ArrayList<>();
            List<Rendered> twos = new RenderJob(objectives, config, 2).run(renderer, dir.resolve("a"),
                    (step, total, loss) -> progress.add(new int[] {step, total}));
            List<Rendered> all = new RenderJob(objectives, config, 5).run(renderer, dir.resolve("b"), null);
            assertEquals(5, twos.size());
            assertEquals(18, progress.size(), "3 batches x 6 steps");
            assertArrayEquals(new int[] {18, 18}, progress.get(17));
            for (int i = 0; i < 5; i++) {
                assertEquals(i, twos.get(i).index());
                Arrays4.assertAllClose(all.get(i).image(), twos.get(i).image(), 1e-4, 1e-5, "image " + i);
                assertTrue(Files.exists(dir.resolve("a").resolve(RenderJob.fileName(twos.get(i)))));
            }
            assertEquals(16, ImageIO.read(dir.resolve("a/000-layer-0-ch-1.png").toFile()).getWidth());
            assertTrue(Files.size(dir.resolve("a").resolve(RenderJob.CONTACT_SHEET)) > 0);
            JsonNode manifest = new ObjectMapper().readTree(dir.resolve("a").resolve(RenderJob.MANIFEST).toFile());
            assertEquals(123, manifest.get("config").get("seed").asLong());
            assertEquals("torch-dreams", manifest.get("config").get("transforms").asText());
            assertEquals(5, manifest.get("images").size());
            JsonNode third = manifest.get("images").get(2);
            assertEquals("layer 1 ch 7", third.get("label").asText());
            assertEquals(Start.initSeed(123, 2), third.get("initSeed").asLong());
            assertEquals(twos.get(2).finalLoss(), third.get("finalLoss").asDouble(), 0);
        }
    }
}
