package io.neurowatch.connectors.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.connectors.io.NpyArray;
import io.neurowatch.connectors.io.NpyReader;
import io.neurowatch.testkit.Requirement;
import java.io.FileNotFoundException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TorchScript model that returns its taps: the committed fixture (scripted with PyTorch 1.13 by
 * {@code torchscript/make_tiny_tapped.py}) gives PyTorch's own eval-mode outputs, and a fresh export is checked too
 * when Debian's python3-torch is installed.
 */
class TorchScriptTappedModelTest {
    private static final List<String> NAMES = List.of("logits", "block1", "pool");

    @TempDir
    Path dir;

    private static Path fixtures() throws URISyntaxException {
        return Path.of(TorchScriptTappedModelTest.class.getResource("/torchscript/tiny_tapped.pt").toURI())
                .getParent();
    }

    /** Copies the fixture's model, and its sidecar under {@code sidecarName} unless null, into a fresh directory. */
    private Path copyModel(String sidecarName) throws Exception {
        Path model = Files.copy(fixtures().resolve("tiny_tapped.pt"), dir.resolve("tiny_tapped.pt"));
        if (sidecarName != null) {
            Files.copy(fixtures().resolve("tiny_tapped.pt.taps.json"), dir.resolve(sidecarName));
        }
        return model;
    }

    private static void assertOutputsMatchPyTorch(Path model, Path expected, List<String> names) throws Exception {
        NpyArray input = NpyReader.read(expected.resolve("tiny_tapped_input.npy"));
        try (TappedModel tapped = TappedModel.loadTorchScript(model, names, new int[] {3, 8, 8});
             NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertEquals(NAMES, tapped.outputs());
            NDArray x = m.create(input.toFloatRowMajor(), new Shape(input.shape()));
            // Twice: a model left in training mode would move its BatchNorm statistics between calls.
            for (int round = 0; round < 2; round++) {
                NDList out = tapped.forward(x);
                for (String name : NAMES) {
                    NpyArray want = NpyReader.read(expected.resolve("tiny_tapped_" + name + ".npy"));
                    NDArray got = tapped.output(out, name);
                    assertArrayEquals(want.shape(), got.getShape().getShape(), name);
                    assertArrayEquals(want.toFloatRowMajor(), got.toFloatArray(), 1e-5f, name + " round " + round);
                }
            }
            Map<String, float[][]> pooled = tapped.activations(x, List.of("block1"), Pooling.MEAN);
            float[] pool = NpyReader.read(expected.resolve("tiny_tapped_pool.npy")).toFloatRowMajor();
            assertArrayEquals(new float[] {pool[0], pool[1], pool[2], pool[3]}, pooled.get("block1")[0], 1e-5f);
        }
    }

    @Test
    void outputsEqualPyTorchsEvalModeOutputs() throws Exception {
        assertOutputsMatchPyTorch(copyModel("tiny_tapped.pt.taps.json"), fixtures(), null);
    }

    @Test
    void theSidecarMayAlsoDropTheExtension() throws Exception {
        assertOutputsMatchPyTorch(copyModel("tiny_tapped.taps.json"), fixtures(), null);
    }

    @Test
    void namesGivenByTheCallerNeedNoSidecar() throws Exception {
        assertOutputsMatchPyTorch(copyModel(null), fixtures(), NAMES);
    }

    @Test
    void gradientsReachTheInput() throws Exception {
        try (TappedModel tapped = TappedModel.loadTorchScript(copyModel("tiny_tapped.pt.taps.json"), null, null);
             NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray x = m.randomUniform(0, 1, new Shape(1, 3, 8, 8));
            x.setRequiresGradient(true);
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                NDArray unit = tapped.output(tapped.forward(x), "block1").get(":, 2").mean();
                collector.backward(unit);
            }
            assertTrue(x.getGradient().abs().sum().getFloat() > 0);
        }
    }

    @Test
    void missingOrBadNamesAreExplained() throws Exception {
        Path model = copyModel(null);
        FileNotFoundException missing = assertThrows(FileNotFoundException.class,
                () -> TappedModel.loadTorchScript(model, null, null));
        assertTrue(missing.getMessage().contains("tiny_tapped.pt.taps.json"), missing.getMessage());

        Files.writeString(dir.resolve("tiny_tapped.pt.taps.json"), "{\"outputs\": [\"a\", 3]}");
        FileFormatException bad = assertThrows(FileFormatException.class,
                () -> TappedModel.loadTorchScript(model, null, null));
        assertTrue(bad.getMessage().contains("outputs[1]"), bad.getMessage());

        Path junk = Files.writeString(dir.resolve("junk.pt"), "not a zip archive");
        FileFormatException unloadable = assertThrows(FileFormatException.class,
                () -> TappedModel.loadTorchScript(junk, NAMES, null));
        assertTrue(unloadable.getMessage().startsWith(junk + ": libtorch cannot load"), unloadable.getMessage());

        try (TappedModel twoNames = TappedModel.loadTorchScript(model, List.of("logits", "block1"), null);
             NDManager m = NDManager.newBaseManager("PyTorch")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> twoNames.forward(m.zeros(new Shape(1, 3, 8, 8))));
            assertTrue(e.getMessage().contains("returned 3 arrays but 2 output names"), e.getMessage());
        }
    }

    @Test
    void freshExportWithTheInstalledPyTorchLoadsToo() throws Exception {
        Requirement.TORCH.require();
        Path script = fixtures().resolve("make_tiny_tapped.py");
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, log);
        assertOutputsMatchPyTorch(dir.resolve("tiny_tapped.pt"), dir, null);
    }
}
