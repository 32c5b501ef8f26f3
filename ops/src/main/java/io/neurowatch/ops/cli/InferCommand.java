package io.neurowatch.ops.cli;

import ai.djl.ndarray.NDManager;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.connectors.model.ActivationPublisher;
import io.neurowatch.connectors.model.IdxImages;
import io.neurowatch.connectors.model.IdxReader;
import io.neurowatch.connectors.model.ImageBatch;
import io.neurowatch.connectors.model.ImageDirectory;
import io.neurowatch.connectors.model.ImageSource;
import io.neurowatch.connectors.model.ImageTransform;
import io.neurowatch.connectors.model.Pooling;
import io.neurowatch.connectors.model.TappedModel;
import io.neurowatch.ops.model.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurowatch infer}: run a model with taps over images and publish its activations, as a service would. */
@Command(name = "infer", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a model over images (a directory of PNG/JPEG files or an IDX file) and publish the pooled "
                + "activations of its tapped layers to Kafka: one wire-format record per layer per batch "
                + "(docs/wire-format.md, docs/models.md)."})
public final class InferCommand implements Callable<Integer> {
    /** Pipelined batches awaiting the broker's acknowledgement before inference waits for the oldest. */
    private static final int MAX_IN_FLIGHT = 16;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--channels", paramLabel = "N",
            description = "input channels, 1 or 3 (default: the model's; 3 for TorchScript)")
    Integer channels;

    @Option(names = "--layers", split = ",", paramLabel = "LIST",
            description = "tapped outputs to publish (default: every output of the model)")
    List<String> layers;

    @Option(names = "--images", required = true, paramLabel = "DIR|FILE",
            description = "directory of PNG/JPEG/GIF/BMP files, or an IDX image file (.gz accepted)")
    Path images;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "IDX labels of an IDX --images file; label k is published as concept id k (class_<k>)")
    Path labels;

    @Option(names = "--pooling", defaultValue = "mean", paramLabel = "mean|max",
            description = "per channel over positions of a [B,C,H,W] output (default: ${DEFAULT-VALUE})")
    String pooling;

    @Mixin
    PublishOptions publish = new PublishOptions();

    @Option(names = "--model-id", paramLabel = "ID", description = "model id on the wire (default: --model's file "
            + "name without extension)")
    String modelId;

    @Option(names = "--model-version", defaultValue = "", paramLabel = "V",
            description = "model version on the wire (default: empty)")
    String modelVersion;

    @Option(names = "--batch-size", defaultValue = "64", description = "images per forward pass and per record "
            + "(default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "only the first N images (default: all)")
    int limit;

    @Option(names = "--first-sample-id", defaultValue = "0", paramLabel = "N",
            description = "sample id of the first image of an IDX file (default: ${DEFAULT-VALUE}); directory "
                    + "images get ids from their file names")
    long firstSampleId;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1 || limit < 0) {
            throw new IllegalArgumentException("--batch-size must be >= 1 and --limit >= 0");
        }
        if (modelOptions.model == null) {
            throw new IllegalArgumentException("--model is required");
        }
        Pooling pool = pooling();
        if (labels != null && !Files.isRegularFile(labels)) {
            throw new IllegalArgumentException("--labels " + labels + ": no such file");
        }
        ImageSource source = openImages();
        int[] classLabels = labels == null ? null : IdxReader.readLabels(labels);
        int n = limit == 0 ? source.size() : Math.min(limit, source.size());
        if (classLabels != null && classLabels.length != source.size()) {
            throw new IllegalArgumentException("--labels " + labels + " has " + classLabels.length + " labels but "
                    + source.describe() + " has " + source.size() + " images");
        }
        String id = modelId != null ? modelId : stem(modelOptions.model);
        Map<String, Object> props = publish.producerConfig();
        try (TappedModel model = modelOptions.open(); KafkaRecordSink sink = new KafkaRecordSink(props)) {
            List<String> chosen = layers == null ? model.outputs() : List.copyOf(layers);
            chosen.forEach(model::indexOf);
            ImageTransform transform = transform(model);
            ActivationPublisher publisher = new ActivationPublisher(sink, publish.topic, id, modelVersion);
            ProgressBar bar = new ProgressBar(System.err, "infer", "images");
            ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
            long records = 0;
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                ImageBatch batch = source.read(from, to, transform);
                int[][] concepts = classLabels == null ? null : conceptsOf(classLabels, from, to);
                Map<String, float[][]> acts;
                try (NDManager m = model.manager().newSubManager()) {
                    acts = model.activations(batch.toNDArray(m), chosen, pool);
                }
                inFlight.add(publisher.publish(acts, batch.sampleIds(), concepts).then().toFuture());
                records += chosen.size();
                while (inFlight.size() > MAX_IN_FLIGHT) {
                    inFlight.poll().join();
                }
                bar.update(to, n);
            }
            inFlight.forEach(CompletableFuture::join);
            System.out.printf("published %d images x %d layers (%d records) of %s to %s%n", n, chosen.size(),
                    records, id, publish.topic);
        }
        return 0;
    }

    private Pooling pooling() {
        try {
            return Pooling.valueOf(pooling.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--pooling " + pooling + ": expected mean or max", e);
        }
    }

    private ImageSource openImages() throws java.io.IOException {
        if (Files.isDirectory(images)) {
            if (labels != null) {
                throw new IllegalArgumentException("--labels goes with an IDX --images file, not a directory");
            }
            return ImageDirectory.open(images);
        }
        if (!Files.isRegularFile(images)) {
            throw new IllegalArgumentException("--images " + images + ": no such file or directory");
        }
        return IdxImages.open(images, firstSampleId);
    }

    /** Model input size and channels, with ImageNet normalisation when the model expects it. */
    private ImageTransform transform(TappedModel model) {
        int[] shape = model.inputShape();
        int c = channels != null ? channels : shape != null && shape.length == 3 ? shape[0] : 3;
        return modelOptions.inputTransform(model, c);
    }

    private static int[][] conceptsOf(int[] classLabels, int from, int to) {
        int[][] out = new int[to - from][];
        for (int i = from; i < to; i++) {
            out[i - from] = new int[] {classLabels[i]};
        }
        return out;
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
