package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.artifacts.DetectorBank;
import io.neurowatch.core.state.SourceOffset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task of the analyzer: the straight line from a record of the activations topic to everything it causes.
 * <pre>
 *   record ─► door (decode, validate) ──rejected──► dead-letter topic
 *                 │ accepted
 *                 ├─► alerts (detectors' thresholds) ─► alerts topic
 *                 └─► state: archive, statistics + annotation join, CLIP-Dissect heaps
 *   every tick  ─► segments due, retention, statistics write, late annotation join, thresholds, DORA results,
 *                  label runs (on the labeller thread) ─► labels topic, label-events topic
 * </pre>
 * The state lives in the task's {@link LayerStateStore}; the alert and label stages are rebuilt from the detectors
 * and labels topics when a task starts, so a task is wholly movable. Runs on the task's stream thread.
 */
final class LayerProcessor implements Processor<byte[], byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(LayerProcessor.class);
    static final Duration TICK = Duration.ofMillis(100);

    private final TaskServices services;
    private ProcessorContext<Void, Void> context;
    private LayerStateStore state;
    private Outputs outputs;
    private AlertStage alerts;
    private LabelStage labels;
    private long lastJoinMillis;

    LayerProcessor(TaskServices services) {
        this.services = services;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.state = context.getStateStore(LayerStateStore.NAME);
        this.outputs = new Outputs(context, services.instance(), services.events());
        AnalyzerConfig config = services.config();
        alerts = new AlertStage(config.alerts(), publishedDetectors(), outputs);
        labels = new LabelStage(config.labels(), config.clip(), services.labeller(), services.labels(),
                services.annotations(), outputs, services.announcer());
        labels.startedWithData(!state.archive().archive().layers().isEmpty());
        context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, this::tick);
        services.running().add(this);
        LOG.info("task {} running ({} records restored into its state)", state.task(), state.restoredRecords());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        SourceOffset pos = new SourceOffset(meta.topic(), meta.partition(), meta.offset());
        TaskServices.Meters m = services.meters();
        m.records().increment();
        m.bytes().increment(record.value() == null ? 0 : record.value().length);
        IngestStage.Ingested in = state.decode(record.key(), record.value(), pos, record.timestamp());
        try {
            if (in instanceof IngestStage.Rejected rejected) {
                deadLetter(record, rejected, pos);
            } else {
                IngestStage.Accepted a = (IngestStage.Accepted) in;
                score(a, pos, record.timestamp());
                if (services.dora() != null) {
                    services.dora().onBatch(a.batch().modelId(), a.batch().modelVersion());
                }
            }
            LayerStateStore.Applied applied = state.apply(in, pos, record.timestamp());
            m.samples().increment(applied.archived());
            m.joinedEarly().increment(applied.joinedEarly());
            labels.counted(applied.archived());
        } catch (IOException e) {
            throw new UncheckedIOException("task " + state.task() + " at " + pos, e);
        }
    }

    private void score(IngestStage.Accepted a, SourceOffset pos, long recordTimestamp) {
        long now = System.currentTimeMillis();
        List<byte[]> found = alerts.score(a.batch(), pos, now);
        if (!found.isEmpty()) {
            services.meters().artifactAlerts().increment(found.size());
            if (now >= recordTimestamp) {
                Duration latency = Duration.ofMillis(now - recordTimestamp);
                for (int i = 0; i < found.size(); i++) {
                    services.meters().alertLatency().record(latency);
                }
            }
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, IngestStage.Rejected r, SourceOffset pos) {
        services.meters().deadLetters().increment();
        LOG.warn("dead letter {}-{}@{}: {} {}", pos.topic(), pos.partition(), pos.offset(), r.reason(), r.detail());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("neurowatch.reason", r.reason());
        headers.put("neurowatch.detail", r.detail() == null ? "" : r.detail());
        headers.put("neurowatch.source", pos.topic() + "-" + pos.partition() + "@" + pos.offset());
        byte[] value = record.value() == null ? new byte[0] : record.value();
        long room = services.deadLetterMaxBytes() - headerBytes(headers) - (record.key() == null ? 0
                : record.key().length) - 1024;
        if (value.length > room) {
            // A dead letter can always be written: larger than the topic takes, it carries a bounded prefix.
            headers.put("neurowatch.truncated", Long.toString(value.length));
            value = java.util.Arrays.copyOf(value, (int) Math.max(0, room - 64));
        }
        outputs.deadLetter(record.key(), value, headers, record.timestamp());
    }

    private static long headerBytes(Map<String, String> headers) {
        long n = 0;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            n += e.getKey().length() + e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 8;
        }
        return n;
    }

    /** Every 100 ms on the task's thread. */
    private void tick(long wallClockMillis) {
        try {
            List<Long> written = state.tick(Instant.ofEpochMilli(wallClockMillis));
            for (long ts : written) {
                if (wallClockMillis >= ts) {
                    services.meters().ingestLatency().record(Duration.ofMillis(wallClockMillis - ts));
                }
            }
            if (wallClockMillis - lastJoinMillis >= 1_000) {
                lastJoinMillis = wallClockMillis;
                StatisticsStage.Joined joined = state.joinLate();
                services.meters().lateMatched().increment(joined.matched());
                services.meters().lateUnmatched().increment(joined.unmatched());
                labels.counted(joined.matched());
            }
            alerts.refresh(state.statisticsStore(), false, wallClockMillis);
            takeDoraResults(wallClockMillis);
            long runsBefore = labels.runs();
            labels.tick(state.archive(), state.clip(), !state.archive().archive().layers().isEmpty(),
                    wallClockMillis);
            if (labels.runs() > runsBefore) {
                services.meters().labelRuns().increment();
                services.meters().labelRun().record(labels.lastRunTime());
                context.commit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("task " + state.task(), e);
        }
    }

    /** DORA results for a layer this task owns become detectors here (results for others are left for them). */
    private void takeDoraResults(long nowMillis) throws IOException {
        for (Iterator<DoraReport.Flagged> it = services.doraResults().iterator(); it.hasNext(); ) {
            DoraReport.Flagged f = it.next();
            if (state.archive().features(f.model(), f.layer()) == 0) {
                continue;
            }
            List<byte[]> json = alerts.registerInfected(f.model(), f.version(), f.layer(), f.neurons(), f.nof(),
                    state.statisticsStore(), nowMillis);
            services.meters().infectedAlerts().increment(json.size());
            // Taken only now: whoever waits for the result (reportInfected) then finds the detectors registered.
            it.remove();
        }
    }

    private List<DetectorBank.DetectorState> publishedDetectors() {
        List<DetectorBank.DetectorState> out = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> e : services.detectors().all()) {
            try {
                out.add(DetectorJson.decode(e.getValue()));
            } catch (IOException ex) {
                LOG.warn("ignoring unreadable detector record: {}", ex.getMessage());
            }
        }
        return out;
    }

    /** Asks for a label run at the next tick (labelNow); see {@link LabelStage#request}. */
    void requestLabels(long generation) {
        labels.request(generation);
    }

    long completedLabelGeneration() {
        return labels.completedGeneration();
    }

    LayerStateStore state() {
        return state;
    }

    /** The detectors of the layers this task holds, with their thresholds. */
    List<DetectorBank.DetectorState> detectorStates() {
        return alerts.states().stream()
                .filter(s -> state.archive().features(s.detector().model(), s.detector().layer()) > 0).toList();
    }

    List<io.neurowatch.analyzers.labels.NeuronLabel> labels() {
        return labels.labels();
    }

    long unmatchedSamples() {
        return labels.unmatched();
    }

    /** Runs after the task's final commit (Kafka Streams' order): nothing may be published here. */
    @Override
    public void close() {
        services.running().remove(this);
        labels.cancel();
        LOG.info("task {} closed", state.task());
    }
}
