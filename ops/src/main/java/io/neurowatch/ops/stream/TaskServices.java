package io.neurowatch.ops.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What the tasks of one analyzer instance share: the configuration, the global tables, the labeller thread, the
 * DORA runner and its results, the live event stream, the meters, and the registry through which the analyzer's
 * read view and {@code labelNow} reach the tasks this instance runs now.
 *
 * @param instance this instance's name, on the labels it publishes (header {@code neurowatch.instance})
 * @param deadLetterMaxBytes the largest dead-letter value the dead-letter topic and the producer take
 */
record TaskServices(String instance, AnalyzerConfig config, AnnotationTable annotations, LatestTable labels,
                    LatestTable detectors,
                    String annotationTopic, Executor labeller, RegisteredModelDora dora,
                    Queue<DoraReport.Flagged> doraResults, Consumer<byte[]> events, Consumer<String> announcer,
                    Meters meters, long deadLetterMaxBytes, Set<LayerProcessor> running) {

    static TaskServices create(String instance, AnalyzerConfig config, AnnotationTable annotations, LatestTable labels,
                               LatestTable detectors, String annotationTopic, Executor labeller,
                               RegisteredModelDora dora, Consumer<byte[]> events, Consumer<String> announcer,
                               Meters meters, long deadLetterMaxBytes) {
        return new TaskServices(instance, config, annotations, labels, detectors, annotationTopic, labeller, dora,
                new ConcurrentLinkedQueue<>(), events, announcer, meters, deadLetterMaxBytes,
                ConcurrentHashMap.newKeySet());
    }

    /** The analyzer's meters (docs/streaming.md#metrics), shared by the instance's tasks. */
    record Meters(Counter records, Counter samples, Counter bytes, Counter deadLetters, Counter labelRuns,
                  Timer labelRun,
                  Counter artifactAlerts, Counter infectedAlerts, Timer ingestLatency, Timer alertLatency,
                  Counter joinedEarly, Counter lateMatched, Counter lateUnmatched) {
        static Meters of(MeterRegistry r) {
            return new Meters(r.counter("neurowatch.records"), r.counter("neurowatch.samples"),
                    r.counter("neurowatch.bytes"), r.counter("neurowatch.dead.letters"),
                    r.counter("neurowatch.label.runs"), r.timer("neurowatch.label.run"),
                    r.counter("neurowatch.alerts", "type", "artifact"),
                    r.counter("neurowatch.alerts", "type", "infected_neuron"),
                    Timer.builder("neurowatch.ingest.latency")
                            .description("record timestamp (producer clock) to statistics written")
                            .publishPercentiles(0.5, 0.99).register(r),
                    Timer.builder("neurowatch.alert.latency")
                            .description("record timestamp (producer clock) to artifact alert handed to the producer")
                            .publishPercentiles(0.5, 0.99, 0.999).register(r),
                    r.counter("neurowatch.annotations.late", "joined", "early"),
                    r.counter("neurowatch.annotations.late", "joined", "matched"),
                    r.counter("neurowatch.annotations.late", "joined", "unmatched"));
        }
    }
}
