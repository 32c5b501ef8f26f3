package io.neurowatch.ops.cli;

import io.neurowatch.connectors.io.LabelReader;
import io.neurowatch.connectors.kafka.KafkaRecordSink;
import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.LabelMatrix;
import io.neurowatch.ops.stream.Replayer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code neurowatch replay}: publish activations (and labels) from files, like an inference service would. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Publish the rows of an activation table (NPY/HDF5) to Kafka as wire-format batches "
                + "(docs/wire-format.md), labels inline: a stand-in inference service.")
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--activations", required = true, paramLabel = "FILE|DIR", description = ".npy, HDF5 file or "
            + "segment directory")
    Path activations;

    @Option(names = "--dataset", defaultValue = "Y", description = "HDF5 dataset (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--labels", paramLabel = "FILE", description = ".npy or HDF5 [N,C] 0/1; column c is concept id c")
    Path labels;

    @Option(names = "--labels-dataset", defaultValue = LabelReader.DEFAULT_DATASET,
            description = "HDF5 label dataset (default: ${DEFAULT-VALUE})")
    String labelsDataset;

    @Option(names = "--model", required = true, description = "model id")
    String model;

    @Option(names = "--model-version", defaultValue = "", description = "model version (default: empty)")
    String modelVersion;

    @Option(names = "--layer", required = true, description = "layer name")
    String layer;

    @Mixin
    PublishOptions publish = new PublishOptions();

    @Option(names = "--batch-size", defaultValue = "256", description = "samples per record (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--first-sample-id", defaultValue = "0", description = "id of row 0 (default: ${DEFAULT-VALUE})")
    long firstSampleId;

    @Option(names = "--rate", defaultValue = "0", description = "samples per second, 0 = as fast as possible")
    double rate;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> props = publish.producerConfig();
        try (ActivationSource source = ActivationInputs.open(activations, dataset);
             KafkaRecordSink sink = new KafkaRecordSink(props)) {
            LabelMatrix lm = labels == null ? null : LabelReader.read(labels, labelsDataset);
            ProgressBar bar = new ProgressBar(System.err, "replay", "samples");
            long rows = source.rows();
            long sent = Replayer.replay(source, lm, Replayer.Options.of(model, layer, publish.topic)
                    .withModelVersion(modelVersion).withBatchSize(batchSize).withFirstSampleId(firstSampleId)
                    .withRate(rate), sink, done -> bar.update(done, rows));
            System.out.printf("published %d samples of %s/%s to %s%n", sent, model, layer, publish.topic);
        }
        return 0;
    }
}
