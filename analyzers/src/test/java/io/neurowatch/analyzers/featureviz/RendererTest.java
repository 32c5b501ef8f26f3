package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The render loop on a small convnet: batching, determinism, starts, several models, progress, caricatures. */
class RendererTest {
    private static NDManager manager;
    private static SequentialBlock net;
    private static LayerFunction model;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
        net = TinyNets.convNet(manager, 17);
        model = BlockLayers.sequentialTaps(net, 2, 4);
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static RenderConfig small(long seed) {
        return RenderConfig.defaults(seed).withSize(20, 20).withIters(12);
    }

    @Test
    void adapterFreezesTheBlock() {
        for (Pair<String, Parameter> p : net.getParameters()) {
            assertFalse(p.getValue().getArray().hasGradient(), p.getKey());
        }
    }

    @Test
    void batchEqualsSingleRunsWithTheSameSeeds() {
        RenderConfig config = small(42);
        List<Objective> objectives = List.of(Objectives.channel(0, 1), Objectives.channel(1, 3),
                Objectives.unit(0, 5, 4, 4));
        Renderer renderer = new Renderer(model);
        List<Rendered> batch = renderer.render(objectives, config);
        for (int i = 0; i < objectives.size(); i++) {
            Rendered single = renderer.render(List.of(objectives.get(i)), config,
                    List.of(Start.noise(Start.initSeed(42, i))), null).get(0);
            Arrays4.assertAllClose(single.image(), batch.get(i).image(), 1e-4, 1e-5, "image " + i);
            assertEquals(single.finalLoss(), batch.get(i).finalLoss(), 1e-4 * Math.abs(single.finalLoss()) + 1e-5);
            assertEquals(Start.noise(Start.initSeed(42, i)), batch.get(i).start());
        }
    }

    @Test
    void sameSeedSameImageOtherSeedOtherImage() {
        Renderer renderer = new Renderer(model);
        List<Objective> objectives = List.of(Objectives.channel(1, 2));
        float[] a = renderer.render(objectives, small(7)).get(0).image();
        float[] b = renderer.render(objectives, small(7)).get(0).image();
        float[] c = renderer.render(objectives, small(8)).get(0).image();
        assertArrayEquals(a, b, 0f);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void imagesAreInTheUnitIntervalAndTheObjectiveImproves() {
        RenderConfig config = small(3).withIters(40);
        Renderer renderer = new Renderer(model);
        List<Objective> objectives = List.of(Objectives.channel(1, 0), Objectives.layerMean(0),
                Objectives.channel(1, 0).negate(), Objectives.of("user", layers -> layers.get(1).get(0).get(4)
                        .max().neg()));
        List<Rendered> start = renderer.render(objectives, config.withIters(0));
        List<Rendered> end = renderer.render(objectives, config);
        for (int i = 0; i < objectives.size(); i++) {
            Rendered r = end.get(i);
            for (float v : r.image()) {
                assertTrue(v > 0 && v < 1, "post-sigmoid value " + v);
            }
            assertTrue(r.finalLoss() < start.get(i).finalLoss() - 1e-3, objectives.get(i).label() + ": "
                    + start.get(i).finalLoss() + " -> " + r.finalLoss());
            assertEquals(config, r.config());
        }
        assertEquals("min layer 1 ch 0", end.get(2).label());
        // Maximising and minimising the same channel pull in opposite directions from the same start.
        assertTrue(end.get(0).finalLoss() < start.get(0).finalLoss());
        assertTrue(-end.get(2).finalLoss() > -start.get(2).finalLoss());
    }

    @Test
    void progressIsReportedEveryStep() {
        List<Integer> steps = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        new Renderer(model).render(List.of(Objectives.channel(0, 0)), small(1),
                List.of(Start.noise()), (step, total, loss) -> {
                    steps.add(step);
                    losses.add(loss);
                    assertEquals(12, total);
                });
        assertEquals(12, steps.size());
        assertEquals(1, steps.get(0));
        assertEquals(12, steps.get(11));
        assertTrue(losses.stream().allMatch(Double::isFinite));
    }

    @Test
    void continuingFromParametersAndPixelParametrization() {
        Renderer renderer = new Renderer(model);
        Rendered first = renderer.render(List.of(Objectives.channel(1, 1)), small(5)).get(0);
        Rendered resumed = renderer.render(List.of(Objectives.channel(1, 1)), small(5).withIters(0),
                List.of(Start.parameter(first.parameter())), null).get(0);
        assertArrayEquals(first.image(), resumed.image(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> renderer.render(List.of(Objectives.channel(1, 1)),
                small(5), List.of(Start.parameter(new float[3])), null));

        RenderConfig pixel = small(5).withParametrization(ParametrizationKind.PIXEL).withIters(30).withLr(0.05);
        Rendered before = renderer.render(List.of(Objectives.channel(1, 1)), pixel.withIters(0)).get(0);
        Rendered after = renderer.render(List.of(Objectives.channel(1, 1)), pixel).get(0);
        assertEquals(3 * 20 * 20, after.parameter().length);
        assertTrue(after.finalLoss() < before.finalLoss());
    }

    @Test
    void startImageRoundTripsAndIsFedNormalised() {
        int h = 20;
        int w = 20;
        float[] image = new float[3 * h * w];
        java.util.Random rng = new java.util.Random(9);
        for (int i = 0; i < image.length; i++) {
            image[i] = rng.nextFloat();
        }
        Renderer renderer = new Renderer(model);
        Objective objective = Objectives.channel(1, 2);
        Rendered untouched = renderer.render(List.of(objective), small(1).withIters(0),
                List.of(Start.image(image)), null).get(0);
        double err = Arrays4.maxAbsDiff(untouched.image(), image);
        System.out.printf("start-image round trip max error %.2e%n", err);
        assertTrue(err <= 1e-7, "round trip error " + err);
        // F4: the model sees the normalised image, so the loss equals that of the same image through the
        // pixel path (which normalises); the compat flag feeds it raw and gives another value.
        Rendered compat = renderer.render(List.of(objective), small(1).withIters(0).withCompatUnnormalisedStart(true),
                List.of(Start.image(image)), null).get(0);
        assertNotEquals(untouched.finalLoss(), compat.finalLoss(), 1e-4);
        Rendered moved = renderer.render(List.of(objective), small(1).withIters(20).withLr(3e-3),
                List.of(Start.image(image)), null).get(0);
        assertTrue(moved.finalLoss() < untouched.finalLoss());
    }

    @Test
    void severalModelsSeeTheSameImage() {
        SequentialBlock other = TinyNets.convNet(manager, 99);
        ModelBunch bunch = new ModelBunch(List.of(model, BlockLayers.sequentialTaps(other, 4)), 2, 1);
        assertEquals(2, bunch.layer(1, 0));
        Objective both = Objectives.sum(Objectives.channel(bunch.layer(0, 1), 3),
                Objectives.channel(bunch.layer(1, 0), 5));
        RenderConfig config = small(11).withIters(30);
        Renderer renderer = new Renderer(bunch);
        Rendered start = renderer.render(List.of(both), config.withIters(0)).get(0);
        Rendered end = renderer.render(List.of(both), config).get(0);
        assertTrue(end.finalLoss() < start.finalLoss());
        // The summed objective equals the two parts evaluated separately on the final image.
        Rendered check = new Renderer(bunch).render(List.of(Objectives.channel(2, 5)), config.withIters(0),
                List.of(Start.parameter(end.parameter())), null).get(0);
        Rendered check0 = new Renderer(bunch).render(List.of(Objectives.channel(1, 3)), config.withIters(0),
                List.of(Start.parameter(end.parameter())), null).get(0);
        assertEquals(end.finalLoss(), check.finalLoss() + check0.finalLoss(), 1e-4);
    }

    /** Every step's arrays live on a sub-manager that is closed afterwards: the job's manager does not grow. */
    @Test
    void nativeMemoryStaysFlat() {
        List<Integer> counts = new ArrayList<>();
        List<NDManager> stepManagers = new ArrayList<>();
        LayerFunction spy = x -> {
            NDManager step = x.getManager();
            stepManagers.add(step);
            counts.add(step.getParentManager().getManagedArrays().size());
            return model.forward(x);
        };
        new Renderer(spy).render(List.of(Objectives.channel(0, 0), Objectives.channel(1, 1)), small(2).withIters(15));
        // 15 steps plus the final evaluation.
        assertEquals(16, counts.size());
        assertEquals(counts.get(2), counts.get(14), "arrays on the job manager: " + counts);
        assertTrue(stepManagers.stream().noneMatch(NDManager::isOpen));
    }

    @Test
    void objectivesMustBeScalarAndLayersMustExist() {
        Renderer renderer = new Renderer(model);
        assertThrows(IllegalStateException.class, () -> renderer.render(List.of(Objectives.of("vector",
                layers -> layers.get(0).get(0).mean(new int[] {1}))), small(1)));
        assertThrows(IndexOutOfBoundsException.class, () -> renderer.render(List.of(Objectives.channel(5, 0)),
                small(1)));
    }

    @Test
    void caricatureReproducesTheInputsActivations() {
        int h = 24;
        int w = 24;
        float[] input = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    input[(c * h + y) * w + x] = (float) (0.5 + 0.4 * Math.sin((x + 2 * c) / 3.0) * Math.cos(y / 4.0));
                }
            }
        }
        Renderer renderer = new Renderer(model);
        for (boolean staticTarget : new boolean[] {false, true}) {
            CaricatureConfig caricature = new CaricatureConfig(List.of(0), 1.0, staticTarget);
            RenderConfig config = RenderConfig.caricatureDefaults(4, staticTarget).withSize(w, h).withIters(40);
            Rendered before = renderer.caricature(input, caricature, config.withIters(0));
            Rendered after = renderer.caricature(input, caricature, config);
            assertTrue(after.finalLoss() < before.finalLoss() - 1e-3, "static=" + staticTarget + ": "
                    + before.finalLoss() + " -> " + after.finalLoss());
            assertEquals(0.001, after.config().weightDecay(), 0);
        }
        assertThrows(IllegalArgumentException.class, () -> renderer.caricature(new float[3], CaricatureConfig
                .defaults(), RenderConfig.caricatureDefaults(1, false).withSize(w, h)));
    }
}
