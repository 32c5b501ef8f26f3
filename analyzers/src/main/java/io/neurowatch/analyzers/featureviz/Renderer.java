package io.neurowatch.analyzers.featureviz;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Feature visualization by activation maximisation, torch-dreams' {@code render} and {@code caricature}
 * (spec §4, §3.8–3.10).
 *
 * <p>A job renders B images at once, one objective each: every image has its own parameter and its own AdamW state,
 * the images are stacked for one model pass per step, and the loss is Σ_b f_b(outputs[b]). One transform draw per
 * step is shared by the batch, and with the model in inference mode the images do not interact, so a batch gives
 * the same images as B single renders with the same seeds.
 *
 * <p>Per step: build the images, normalise, transform, run the model, back-propagate, clip each image's gradient by
 * its L2 norm, take an AdamW step. Intermediate arrays live on a per-step sub-manager, so native memory stays flat.
 * DJL allows one gradient collector at a time, so renders must not run concurrently in one process.
 */
public final class Renderer {
    private final LayerFunction model;
    private final Device device;

    /** Renders on the engine's default device. */
    public Renderer(LayerFunction model) {
        this(model, null);
    }

    /** @param device where the parameters live; must be the model's device (null: the engine default) */
    public Renderer(LayerFunction model, Device device) {
        this.model = model;
        this.device = device;
    }

    /** One image per objective, each starting from noise seeded by the job seed and its index. */
    public List<Rendered> render(List<? extends Objective> objectives, RenderConfig config) {
        return render(objectives, config, Collections.nCopies(objectives.size(), Start.noise()), null);
    }

    /**
     * One image per objective.
     *
     * @param starts one start per objective
     * @param progress called after every step, or null
     */
    public List<Rendered> render(List<? extends Objective> objectives, RenderConfig config,
            List<? extends Start> starts, ProgressListener progress) {
        if (objectives.isEmpty() || objectives.size() != starts.size()) {
            throw new IllegalArgumentException("need one start per objective and at least one objective, got "
                    + objectives.size() + " objectives and " + starts.size() + " starts");
        }
        int b = objectives.size();
        try (NDManager root = newManager(); Job job = new Job(root, config, starts)) {
            Random rng = new Random(config.seed());
            AdamW optimiser = AdamW.of(config.lr(), config.weightDecay());
            double[] lastStep = new double[b];
            for (int step = 1; step <= config.iters(); step++) {
                boolean last = step == config.iters();
                try (NDManager sm = root.newSubManager()) {
                    NDArray[] leaves = job.leaves(sm);
                    double total = Double.NaN;
                    try (GradientCollector collector = root.getEngine().newGradientCollector()) {
                        NDArray batch = job.modelInput(leaves);
                        NDList outputs = model.forward(config.transforms().apply(batch, rng));
                        NDArray[] losses = perImageLosses(objectives, outputs, b);
                        NDArray loss = sum(losses);
                        collector.backward(loss);
                        if (progress != null) {
                            total = Tensors.scalar(loss);
                        }
                        if (last) {
                            for (int i = 0; i < b; i++) {
                                lastStep[i] = Tensors.scalar(losses[i]);
                            }
                        }
                    }
                    job.update(leaves, optimiser, config.gradClip());
                    if (progress != null) {
                        progress.onStep(step, config.iters(), total);
                    }
                }
            }
            double[] finalLosses = new double[b];
            List<float[]> images;
            try (NDManager fm = root.newSubManager()) {
                NDArray[] values = job.values(fm);
                NDArray image = job.images(values);
                NDList outputs = model.forward(job.normalise(image));
                NDArray[] losses = perImageLosses(objectives, outputs, b);
                for (int i = 0; i < b; i++) {
                    finalLosses[i] = Tensors.scalar(losses[i]);
                }
                images = split(image, b);
            }
            List<Rendered> out = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                out.add(new Rendered(i, objectives.get(i).label(), config.height(), config.width(), images.get(i),
                        job.parameter(i), job.start(i), finalLosses[i], config.iters() == 0 ? Double.NaN : lastStep[i],
                        config));
            }
            return out;
        }
    }

    /** A caricature of {@code inputChw01} (CHW in [0,1], the config's size) starting from noise. */
    public Rendered caricature(float[] inputChw01, CaricatureConfig caricature, RenderConfig config) {
        return caricature(inputChw01, caricature, config, Start.noise(), null);
    }

    /**
     * An image whose activations reproduce, or exaggerate with power &gt; 1, those of {@code inputChw01} at the chosen
     * layers (spec §3.10). The target is the layer output of batch element 0 for the input, detached. With a
     * following target, the image and the input are stacked and share each step's draw; with a static target it is
     * computed once and bilinearly resized to each step's activation size.
     */
    public Rendered caricature(float[] inputChw01, CaricatureConfig caricature, RenderConfig config, Start start,
            ProgressListener progress) {
        int h = config.height();
        int w = config.width();
        if (inputChw01.length != 3 * h * w) {
            throw new IllegalArgumentException("input has " + inputChw01.length + " values, the config asks for 3x"
                    + h + "x" + w);
        }
        try (NDManager root = newManager(); Job job = new Job(root, config, List.of(start))) {
            NDArray input = job.imagenet(root.create(inputChw01, new Shape(1, 3, h, w)));
            NDList staticTargets = caricature.staticTarget() ? targets(model.forward(input), caricature) : null;
            Random rng = new Random(config.seed());
            AdamW optimiser = AdamW.of(config.lr(), config.weightDecay());
            double lastStep = Double.NaN;
            for (int step = 1; step <= config.iters(); step++) {
                try (NDManager sm = root.newSubManager()) {
                    NDArray[] leaves = job.leaves(sm);
                    double total;
                    try (GradientCollector collector = root.getEngine().newGradientCollector()) {
                        NDArray image = job.modelInput(leaves);
                        NDArray loss;
                        if (caricature.staticTarget()) {
                            NDList outputs = model.forward(config.transforms().apply(image, rng));
                            loss = caricatureLoss(targets(outputs, caricature), staticTargets, caricature.power());
                        } else {
                            NDArray pair = NDArrays.concat(new NDList(image, input), 0);
                            NDList outputs = model.forward(config.transforms().apply(pair, rng));
                            loss = caricatureLoss(targets(outputs, caricature), targets(outputs, caricature, 1),
                                    caricature.power());
                        }
                        collector.backward(loss);
                        total = Tensors.scalar(loss);
                    }
                    lastStep = total;
                    job.update(leaves, optimiser, config.gradClip());
                    if (progress != null) {
                        progress.onStep(step, config.iters(), total);
                    }
                }
            }
            try (NDManager fm = root.newSubManager()) {
                NDArray image = job.images(job.values(fm));
                NDList imageOutputs = model.forward(job.normalise(image));
                NDList inputOutputs = model.forward(input);
                double finalLoss = Tensors.scalar(caricatureLoss(targets(imageOutputs, caricature),
                        targets(inputOutputs, caricature), caricature.power()));
                return new Rendered(0, "caricature", h, w, Tensors.floats(image), job.parameter(0), job.start(0),
                        finalLoss, lastStep, config);
            }
        }
    }

    private NDManager newManager() {
        return device == null ? NDManager.newBaseManager() : NDManager.newBaseManager(device);
    }

    private static NDList targets(NDList outputs, CaricatureConfig caricature) {
        return targets(outputs, caricature, 0);
    }

    /** The selected layers of batch element {@code element}, without the batch dimension (the reference's CHW). */
    private static NDList targets(NDList outputs, CaricatureConfig caricature, int element) {
        List<Integer> layers = caricature.layers();
        NDList out = new NDList();
        if (layers.isEmpty()) {
            for (NDArray o : outputs) {
                out.add(o.get(element));
            }
        } else {
            for (int l : layers) {
                out.add(Objectives.at(outputs, l).get(element));
            }
        }
        return out;
    }

    private static NDArray caricatureLoss(NDList activations, NDList targets, double power) {
        NDArray loss = null;
        for (int l = 0; l < activations.size(); l++) {
            NDArray x = activations.get(l);
            NDArray y = targets.get(l);
            if (!x.getShape().equals(y.getShape())) {
                if (x.getShape().dimension() != 3 || y.getShape().dimension() != 3) {
                    throw new IllegalArgumentException("caricature target " + y.getShape() + " cannot be resized to "
                            + x.getShape());
                }
                y = BilinearResize.toSize(y.expandDims(0), Math.toIntExact(x.getShape().get(1)),
                        Math.toIntExact(x.getShape().get(2))).squeeze(0);
            }
            NDArray term = CaricatureLoss.layerLoss(x, y, power);
            loss = loss == null ? term : loss.add(term);
        }
        if (loss == null) {
            throw new IllegalArgumentException("the caricature needs at least one layer");
        }
        return loss;
    }

    private static NDArray[] perImageLosses(List<? extends Objective> objectives, NDList outputs, int b) {
        for (NDArray o : outputs) {
            if (o.getShape().dimension() == 0 || o.getShape().get(0) != b) {
                throw new IllegalStateException("layer output " + o.getShape() + " does not have the batch (" + b
                        + ") as its first dimension");
            }
        }
        NDArray[] losses = new NDArray[b];
        for (int i = 0; i < b; i++) {
            NDList layers = outputs;
            if (b > 1) {
                NDIndex slice = new NDIndex(i + ":" + (i + 1));
                layers = new NDList(outputs.size());
                for (NDArray o : outputs) {
                    layers.add(o.get(slice));
                }
            }
            losses[i] = objectives.get(i).loss(layers);
            if (losses[i].size() != 1) {
                throw new IllegalStateException("objective " + objectives.get(i).label() + " returned shape "
                        + losses[i].getShape() + ", not a scalar");
            }
        }
        return losses;
    }

    private static NDArray sum(NDArray[] parts) {
        NDArray s = parts[0];
        for (int i = 1; i < parts.length; i++) {
            s = s.add(parts[i]);
        }
        return s;
    }

    private static List<float[]> split(NDArray images, int b) {
        float[] all = Tensors.floats(images);
        int per = all.length / b;
        List<float[]> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            float[] one = new float[per];
            System.arraycopy(all, i * per, one, 0, per);
            out.add(one);
        }
        return out;
    }

    /** The images of one job: parametrizations, parameter values and optimiser states, on the job's manager. */
    private static final class Job implements AutoCloseable {
        private final List<ImageParametrization> owned = new ArrayList<>();
        private final ImageParametrization[] parametrizations;
        private final NDArray[] values;
        private final AdamW.State[] states;
        private final Start[] starts;
        private final NDArray mean;
        private final NDArray std;

        Job(NDManager root, RenderConfig config, List<? extends Start> requested) {
            int b = requested.size();
            int h = config.height();
            int w = config.width();
            parametrizations = new ImageParametrization[b];
            values = new NDArray[b];
            states = new AdamW.State[b];
            starts = new Start[b];
            mean = ColourSpace.mean(root, DataType.FLOAT32);
            std = ColourSpace.std(root, DataType.FLOAT32);
            ImageParametrization fresh = null;
            try {
                for (int i = 0; i < b; i++) {
                    Start s = requested.get(i);
                    ImageParametrization p;
                    float[] init;
                    if (s instanceof Start.Image image) {
                        StartImageParametrization own = new StartImageParametrization(root, h, w, image.chw01(),
                                DataType.FLOAT32, config.compatUnnormalisedStart());
                        owned.add(own);
                        p = own;
                        init = own.initialParameter();
                        starts[i] = s;
                    } else {
                        if (fresh == null) {
                            fresh = config.parametrization() == ParametrizationKind.SPECTRAL
                                    ? new SpectralParametrization(root, h, w)
                                    : new PixelParametrization(root, h, w, DataType.FLOAT32);
                            owned.add(fresh);
                        }
                        p = fresh;
                        if (s instanceof Start.Noise noise) {
                            long seed = noise.seed() != null ? noise.seed() : Start.initSeed(config.seed(), i);
                            init = p.noise(new Random(seed), config.initSd());
                            starts[i] = Start.noise(seed);
                        } else if (s instanceof Start.Parameter parameter) {
                            init = parameter.values();
                            if (init.length != p.parameterShape().size()) {
                                throw new IllegalArgumentException("start parameter " + i + " has " + init.length
                                        + " values, the parametrization needs " + p.parameterShape());
                            }
                            starts[i] = s;
                        } else {
                            throw new IllegalArgumentException("unknown start " + s);
                        }
                    }
                    parametrizations[i] = p;
                    values[i] = root.create(init, p.parameterShape());
                    states[i] = AdamW.of(config.lr(), config.weightDecay()).newState(values[i]);
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Fresh leaves on {@code sm} that require gradients, copies of the current values. */
        NDArray[] leaves(NDManager sm) {
            NDArray[] current = values(sm);
            NDArray[] leaves = new NDArray[current.length];
            for (int i = 0; i < leaves.length; i++) {
                leaves[i] = current[i].duplicate();
                leaves[i].setRequiresGradient(true);
            }
            return leaves;
        }

        /** The values, attached to {@code sm} until it closes so that results of operations land there. */
        NDArray[] values(NDManager sm) {
            for (NDArray v : values) {
                v.tempAttach(sm);
            }
            return values.clone();
        }

        NDArray images(NDArray[] parameters) {
            NDList images = new NDList(parameters.length);
            for (int i = 0; i < parameters.length; i++) {
                images.add(parametrizations[i].toImage(parameters[i]));
            }
            return images.size() == 1 ? images.get(0) : NDArrays.concat(images, 0);
        }

        NDArray modelInput(NDArray[] parameters) {
            NDList inputs = new NDList(parameters.length);
            for (int i = 0; i < parameters.length; i++) {
                ImageParametrization p = parametrizations[i];
                inputs.add(p.toModelInput(p.toImage(parameters[i])));
            }
            return inputs.size() == 1 ? inputs.get(0) : NDArrays.concat(inputs, 0);
        }

        /** ImageNet normalisation, for inputs that are plain images rather than parametrised ones. */
        NDArray imagenet(NDArray images) {
            return images.sub(mean).div(std);
        }

        /** Every image's model input from a stacked image batch (after the loop, without gradients). */
        NDArray normalise(NDArray images) {
            if (images.getShape().get(0) == 1 && parametrizations.length == 1) {
                return parametrizations[0].toModelInput(images);
            }
            NDList inputs = new NDList(parametrizations.length);
            for (int i = 0; i < parametrizations.length; i++) {
                inputs.add(parametrizations[i].toModelInput(images.get(i + ":" + (i + 1))));
            }
            return NDArrays.concat(inputs, 0);
        }

        void update(NDArray[] leaves, AdamW optimiser, double gradClip) {
            for (int i = 0; i < leaves.length; i++) {
                NDArray g = leaves[i].getGradient();
                AdamW.clipByNorm(g, gradClip);
                optimiser.step(values[i], g, states[i]);
            }
        }

        float[] parameter(int i) {
            return values[i].toFloatArray();
        }

        Start start(int i) {
            return starts[i];
        }

        @Override
        public void close() {
            for (AdamW.State s : states) {
                if (s != null) {
                    s.close();
                }
            }
            for (ImageParametrization p : owned) {
                p.close();
            }
        }
    }
}
