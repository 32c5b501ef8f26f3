package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.featureviz.LayerFunction;
import io.neurowatch.analyzers.featureviz.Objective;
import io.neurowatch.analyzers.featureviz.Objectives;
import io.neurowatch.analyzers.featureviz.RenderConfig;
import io.neurowatch.analyzers.featureviz.RenderJob;
import io.neurowatch.analyzers.featureviz.Rendered;
import io.neurowatch.analyzers.featureviz.Renderer;
import io.neurowatch.analyzers.featureviz.TransformChain;
import io.neurowatch.connectors.model.TappedModel;
import io.neurowatch.ops.model.ModelOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurowatch render}: feature visualization of chosen neurons (torch-dreams method). */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Render what neurons look for: images optimised to maximise (or minimise) a channel, unit or "
                + "logit, with a spectral parametrization and random transforms (docs/feature-visualization.md).",
            "Writes one PNG per neuron, contact-sheet.png and renders.json into --out."})
public final class RenderCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--layer", required = true, paramLabel = "NAME", description = "tapped output to render")
    String layer;

    @Option(names = "--channels", split = ",", paramLabel = "LIST",
            description = "channels (or logits) to render, one image each (required unless --caricature)")
    List<Integer> channels;

    @Option(names = "--caricature", paramLabel = "IMAGE",
            description = "instead of channels: a caricature of this image (PNG/JPEG) — what --layer encodes of it "
                    + "(weight decay 1e-3, translate 0.1, as the reference)")
    Path caricature;

    @Option(names = "--power", defaultValue = "1.0", description = "caricature exaggeration: 1 reproduces, above 1 "
            + "exaggerates (default: ${DEFAULT-VALUE})")
    double power;

    @Option(names = "--objective", defaultValue = "channel", paramLabel = "channel|logit|unit",
            description = "channel = mean of the channel's map, logit = raw value of a [B,K] output, unit = the "
                    + "centre unit of the map (default: ${DEFAULT-VALUE})")
    String objective;

    @Option(names = "--minimise", description = "minimise the objective instead")
    boolean minimise;

    @Option(names = "--size", paramLabel = "HxW", description = "image size (default: the model's input size)")
    String size;

    @Option(names = "--iters", defaultValue = "120", description = "optimisation steps (default: ${DEFAULT-VALUE})")
    int iters;

    @Option(names = "--lr", defaultValue = "0.009", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--transforms", defaultValue = "torch-dreams", paramLabel = "NAME",
            description = "torch-dreams|dora-default|none (default: ${DEFAULT-VALUE})")
    String transforms;

    @Option(names = "--batch-size", defaultValue = "8", description = "images optimised together (default: "
            + "${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", description = "job seed, recorded in renders.json (default: "
            + "${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (created)")
    Path out;

    @Override
    public Integer call() throws Exception {
        try (TappedModel m = model.open()) {
            int index = m.indexOf(layer);
            int[] hw = size != null ? ModelOptions.parseSize("--size", size) : model.inputSize(m);
            LayerFunction f = model.layers(m);
            if (caricature != null) {
                return caricature(f, index, hw);
            }
            if (channels == null || channels.isEmpty()) {
                throw new IllegalArgumentException("give --channels (or --caricature IMAGE)");
            }
            TransformChain chain = TransformChain.named(transforms, hw[0], hw[1]);
            List<Objective> objectives = new ArrayList<>();
            for (int c : channels) {
                Objective o = switch (objective) {
                    case "channel" -> Objectives.channel(index, c);
                    case "logit" -> Objectives.logit(index, c);
                    case "unit" -> Objectives.unit(index, c, unitRow(f, index, hw, 2), unitRow(f, index, hw, 3));
                    default -> throw new IllegalArgumentException("--objective " + objective
                            + ": expected channel, logit or unit");
                };
                o = o.labelled(layer + " " + objective + " " + c);
                objectives.add(minimise ? o.negate() : o);
            }
            RenderConfig config = RenderConfig.defaults(seed).withSize(hw[1], hw[0]).withIters(iters).withLr(lr)
                    .withTransforms(chain);
            ProgressBar bar = new ProgressBar(System.err, "render", "steps");
            List<Rendered> renders = new RenderJob(objectives, config, batchSize).run(new Renderer(f), out,
                    (step, total, loss) -> bar.update(step, total));
            for (Rendered r : renders) {
                System.out.printf("%-32s final loss %.5f  %s%n", r.label(), r.finalLoss(),
                        out.resolve(RenderJob.fileName(r)));
            }
            System.out.println("contact sheet: " + out.resolve(RenderJob.CONTACT_SHEET));
        }
        return 0;
    }

    private int caricature(LayerFunction f, int index, int[] hw) throws java.io.IOException {
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(caricature.toFile());
        if (img == null) {
            throw new IllegalArgumentException("--caricature " + caricature + ": not a readable image");
        }
        io.neurowatch.connectors.model.ImageTransform t = io.neurowatch.connectors.model.ImageTransform.to(3, hw[0],
                hw[1]);
        float[] chw = new float[t.pixels()];
        t.apply(io.neurowatch.connectors.model.ImageDirectory.chw(img), 3, img.getHeight(), img.getWidth(), chw, 0);
        RenderConfig config = RenderConfig.caricatureDefaults(seed, false).withSize(hw[1], hw[0]).withIters(iters);
        ProgressBar bar = new ProgressBar(System.err, "caricature", "steps");
        Rendered r = new Renderer(f).caricature(chw, new io.neurowatch.analyzers.featureviz.CaricatureConfig(
                List.of(index), power, false), config, io.neurowatch.analyzers.featureviz.Start.noise(),
                (step, total, loss) -> bar.update(step, total));
        java.nio.file.Files.createDirectories(out);
        Path png = out.resolve("caricature.png");
        io.neurowatch.analyzers.featureviz.RenderImages.writePng(r, png);
        System.out.printf("caricature of %s at %s (power %.2f): final loss %.5f  %s%n", caricature, layer, power,
                r.finalLoss(), png);
        return 0;
    }

    /** The centre row (dim 2) or column (dim 3) of the layer's map at this input size. */
    private static int unitRow(LayerFunction f, int index, int[] hw, int dim) {
        long[] shape = ModelOptions.outputShape(f, index, hw[0], hw[1]);
        if (shape.length != 4) {
            throw new IllegalArgumentException("--objective unit needs a [B,C,H,W] layer; this one is "
                    + java.util.Arrays.toString(shape));
        }
        return (int) shape[dim] / 2;
    }
}
