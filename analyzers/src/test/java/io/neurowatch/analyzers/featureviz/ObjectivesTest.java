package io.neurowatch.analyzers.featureviz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Objective values on hand-made layer outputs (spec §3.8). */
class ObjectivesTest {
    private static NDManager manager;
    private static NDList layers;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
        // layer 0: [1, 2, 2, 3] = 0..11; layer 1: logits [1, 4].
        layers = new NDList(manager.arange(12f).reshape(1, 2, 2, 3),
                manager.create(new float[] {0.5f, -1f, 2f, 3f}, new Shape(1, 4)));
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static double value(Objective o) {
        NDArray loss = o.loss(layers);
        assertEquals(DataType.FLOAT32, loss.getDataType(), o.label());
        assertEquals(1, loss.size(), o.label());
        return Tensors.scalar(loss);
    }

    @Test
    void valuesOfTheFactories() {
        assertEquals(-2.5, value(Objectives.channel(0, 0)), 1e-6);
        assertEquals(-8.5, value(Objectives.channel(0, 1)), 1e-6);
        assertEquals(-2.0, value(Objectives.channel(1, 2)), 1e-6, "channel of a [1, K] layer is the value");
        assertEquals(-10.0, value(Objectives.unit(0, 1, 1, 1)), 1e-6);
        assertEquals(-5.5, value(Objectives.layerMean(0)), 1e-6);
        assertEquals(-3.0, value(Objectives.logit(1, 3)), 1e-6);
        assertEquals(-(5.5 + 1.125), value(Objectives.allLayersMean()), 1e-6);
        assertEquals(8.5, value(Objectives.minimise(Objectives.channel(0, 1))), 1e-6);
        assertEquals(2 * -2.5 - 0.5 * -3.0, value(Objectives.weightedSum(new double[] {2, -0.5},
                Objectives.channel(0, 0), Objectives.logit(1, 3))), 1e-6);
        assertEquals(-2.5 - 8.5, value(Objectives.channel(0, 0).plus(Objectives.channel(0, 1))), 1e-6);
        assertEquals(-7.5, value(Objectives.channel(0, 0).times(3)), 1e-6);
        Objective user = Objectives.of("max of layer 0", l -> l.get(0).max().neg());
        assertEquals(-11, value(user), 1e-6);
        assertEquals("max of layer 0", user.label());
        assertEquals("2.0·layer 0 ch 0 + -0.5·layer 1 logit 3", Objectives.weightedSum(new double[] {2, -0.5},
                Objectives.channel(0, 0), Objectives.logit(1, 3)).label());
    }

    @Test
    void aChannelOrLogitOutsideTheLayerIsRejected() {
        assertThrows(IndexOutOfBoundsException.class, () -> value(Objectives.channel(2, 0)));
        assertThrows(IllegalArgumentException.class, () -> value(Objectives.logit(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> Objectives.weightedSum(new double[] {1}));
    }
}
