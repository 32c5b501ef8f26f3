package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.Random;

/** Small convnets with weights drawn from java.util.Random, so tests do not depend on the engine's RNG state. */
final class TinyNets {
    private TinyNets() {
    }

    /**
     * conv3x3(3→8) · ReLU · conv3x3 stride 2 (8→12) · ReLU · conv3x3 (12→16). Child indices: 0, 2 and 4 are the
     * convolutions (pre-activation taps).
     */
    static SequentialBlock convNet(NDManager manager, long seed) {
        return build(manager, seed, new SequentialBlock());
    }

    private static SequentialBlock build(NDManager manager, long seed, SequentialBlock front) {
        SequentialBlock block = front
                .add(conv(8, 1))
                .add(Activation.reluBlock())
                .add(conv(12, 2))
                .add(Activation.reluBlock())
                .add(conv(16, 1));
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        Random rng = new Random(seed);
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray array = p.getValue().getArray();
            array.setRequiresGradient(false);
            Shape s = array.getShape();
            float[] v = new float[Math.toIntExact(s.size())];
            boolean weight = s.dimension() == 4;
            double sd = weight ? Math.sqrt(2.0 / (s.get(1) * s.get(2) * s.get(3))) : 0.05;
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (sd * rng.nextGaussian());
            }
            array.set(FloatBuffer.wrap(v));
        }
        return block;
    }

    private static Conv2d conv(int filters, int stride) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .optStride(new Shape(stride, stride)).setFilters(filters).build();
    }
}
