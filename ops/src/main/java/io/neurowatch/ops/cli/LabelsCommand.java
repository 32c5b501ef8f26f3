package io.neurowatch.ops.cli;

import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.connectors.kafka.TopicSnapshot;
import io.neurowatch.ops.stream.LabelJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurowatch labels}: the current label table, read from the compacted labels topic. */
@Command(name = "labels", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the current neuron labels published by the analyzer (latest per neuron and method).")
public final class LabelsCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "neurowatch.labels", description = "labels topic (default: "
            + "${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--model", description = "only this model")
    String model;

    @Option(names = "--layer", description = "only this layer")
    String layer;

    @Option(names = "--consumer-property", paramLabel = "KEY=VALUE",
            description = "any Kafka consumer property (SASL, TLS, ...); repeatable")
    Map<String, String> consumerProperties = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, Object> props = new HashMap<>(consumerProperties);
        props.put("bootstrap.servers", bootstrap);
        List<NeuronLabel> labels = new ArrayList<>();
        for (byte[] v : TopicSnapshot.latestByKey(props, topic, Duration.ofSeconds(30)).values()) {
            NeuronLabel l = LabelJson.decode(v);
            if ((model == null || model.equals(l.neuron().model())) && (layer == null
                    || layer.equals(l.neuron().layer()))) {
                labels.add(l);
            }
        }
        labels.sort(Comparator.comparing((NeuronLabel l) -> l.neuron().model())
                .thenComparing(l -> l.neuron().layer()).thenComparingInt(l -> l.neuron().neuron())
                .thenComparing(NeuronLabel::method));
        System.out.printf("%-12s %-12s %6s %-13s %-40s %8s %10s %8s%n", "model", "layer", "neuron", "method", "label",
                "score", "p", "samples");
        for (NeuronLabel l : labels) {
            System.out.printf("%-12s %-12s %6d %-13s %-40s %8.4f %10.3g %8d%n", l.neuron().model(),
                    l.neuron().layer(), l.neuron().neuron(), l.method(),
                    l.readable().isEmpty() ? "(" + l.status() + ")" : l.readable(), l.score(), l.pValue(),
                    l.windowSamples());
        }
        System.out.printf("%d labels%n", labels.size());
        return 0;
    }
}
