package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.clipdissect.StreamingTopK;
import io.neurowatch.analyzers.labels.ClipDissectLabeller;
import io.neurowatch.analyzers.labels.InvertLabeller;
import io.neurowatch.analyzers.labels.LabelChange;
import io.neurowatch.analyzers.labels.LabelDriftTracker;
import io.neurowatch.analyzers.labels.NeuronLabel;
import io.neurowatch.connectors.archive.ArchiveWindow;
import io.neurowatch.core.Concept;
import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.LabelMatrix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Label runs of one task's layers: INVERT over each layer's archive window (inline labels united with the
 * annotations of its samples) and CLIP-Dissect over the layers' heaps, every {@code label.every-samples} new samples
 * or {@code label.interval}, and once after the task (re)starts, so a run in flight when a partition moved is done by
 * its new owner. The work runs on the instance's labeller thread over flushed segments, so ingestion goes on; the
 * results are published on the task's thread, with the task's outputs, and a run whose task was closed meanwhile is
 * dropped unpublished (its partition has another owner, or will have).
 *
 * <p>Each neuron's label goes to the labels topic; a label or status that differs from the last published one (by
 * this owner or, after a move, by the previous one) is a {@code label_changed} event. Not thread-safe (the task's
 * thread), apart from the run itself.
 */
final class LabelStage {
    private static final Logger LOG = LoggerFactory.getLogger(LabelStage.class);

    /** Where labels and label-change events go (the task's outputs). */
    interface Sink {
        void label(byte[] key, byte[] json);

        void event(byte[] key, byte[] json);
    }

    /** What a finished run hands back to the task's thread. */
    private record Run(List<NeuronLabel> labels, int layers, long nanos) {
    }

    private final LabelSettings settings;
    private final ClipSettings clip;
    private final Executor labeller;
    private final LatestTable published;
    private final AnnotationTable annotations;
    private final Sink sink;
    private final Consumer<String> announcer;
    private final LabelDriftTracker drift = new LabelDriftTracker();
    private long samplesSinceRun;
    private long lastRunMillis;
    private boolean firstRunDone;
    private CompletableFuture<Run> inFlight;
    private long inFlightGeneration;
    private long runs;
    private long lastRunNanos;
    private volatile long requested;
    private volatile long completed;
    private volatile boolean closed;
    private volatile long unmatched;

    LabelStage(LabelSettings settings, ClipSettings clip, Executor labeller, LatestTable published,
               AnnotationTable annotations, Sink sink, Consumer<String> announcer) {
        this.settings = settings;
        this.clip = clip;
        this.labeller = labeller;
        this.published = published;
        this.annotations = annotations;
        this.sink = sink;
        this.announcer = announcer;
    }

    /**
     * Whether the task started with data (its state was restored, here or on a previous owner): then it labels once
     * at its first tick, so a run its previous owner had in flight is not lost. A task that starts empty waits for
     * its schedule.
     */
    void startedWithData(boolean restored) {
        // Without a schedule (every-samples 0, no interval) only requests label, and a request is not carried over.
        firstRunDone = !restored || (settings.everySamples() <= 0 && settings.interval() == null);
    }

    /** New samples (or annotations) that count towards the next run. */
    void counted(long samples) {
        samplesSinceRun += samples;
    }

    /** Asks for a run as soon as none is in flight (for {@code labelNow}); {@code generation} orders the requests. */
    synchronized void request(long generation) {
        requested = Math.max(requested, generation);
    }

    /** The newest request generation a finished run has served. */
    long completedGeneration() {
        return completed;
    }

    /**
     * On the task's thread, at each tick: publishes a finished run, then starts a new one if one is due (every N
     * samples, the interval, a request, or the first tick of a task with data).
     */
    void tick(ArchiveStage archive, ClipStage clipStage, boolean hasData, long nowMillis) throws IOException {
        collect();
        if (!hasData) {
            // Nothing to label: a request is served as it is.
            completed = Math.max(completed, requested);
            return;
        }
        if (inFlight != null) {
            return;
        }
        boolean due = !firstRunDone
                || requested > completed
                || (settings.everySamples() > 0 && samplesSinceRun >= settings.everySamples())
                || (settings.interval() != null && samplesSinceRun > 0
                        && nowMillis - lastRunMillis >= settings.interval().toMillis());
        if (due) {
            start(archive, clipStage, nowMillis);
        }
    }

    private void start(ArchiveStage archive, ClipStage clipStage, long nowMillis) throws IOException {
        inFlightGeneration = requested;
        samplesSinceRun = 0;
        lastRunMillis = nowMillis;
        firstRunDone = true;
        archive.flush();
        clipStage.checkpoint();
        List<ArchiveWindow> windows = archive.windows(settings, settings.concepts());
        Map<String, StreamingTopK.Snapshot> heaps = clipStage.snapshots();
        LOG.info("label run starting over {} layers", windows.size() + heaps.size());
        CompletableFuture<Run> work = CompletableFuture.supplyAsync(() -> run(windows, heaps), labeller);
        // The windows pin their segments until the run is over, also when its task closed meanwhile.
        work.whenComplete((r, e) -> closeWindows(windows));
        inFlight = work;
    }

    /** On the task's thread: publishes the labels of a finished run and its label-change events. */
    void collect() {
        if (inFlight == null || !inFlight.isDone()) {
            return;
        }
        CompletableFuture<Run> done = inFlight;
        inFlight = null;
        completed = Math.max(completed, inFlightGeneration);
        Run run;
        try {
            run = done.join();
        } catch (RuntimeException e) {
            LOG.error("label run failed", e);
            return;
        }
        List<LabelChange> changes = publish(run.labels());
        runs++;
        lastRunNanos = run.nanos();
        String line = String.format("label run: %d neurons in %d layers, %d changed, %.2f s", run.labels().size(),
                run.layers(), changes.size(), run.nanos() / 1e9);
        LOG.info(line);
        announcer.accept(line);
        for (LabelChange c : changes) {
            announcer.accept(String.format("  %s: %s -> %s (AUROC %.3f)", c.current().neuron().topicKey(),
                    c.previous() == null ? "(new)" : c.previous().readable(), c.current().readable(),
                    c.current().score()));
        }
    }

    /** On the labeller thread. A layer that fails is logged and the others are labelled. */
    private Run run(List<ArchiveWindow> windows, Map<String, StreamingTopK.Snapshot> heaps) {
        long started = System.nanoTime();
        List<NeuronLabel> out = new ArrayList<>();
        InvertLabeller invert = new InvertLabeller(settings.invert(), settings.threads());
        int layers = 0;
        long none = 0;
        for (ArchiveWindow w : windows) {
            if (closed) {
                break;
            }
            if (w.rows() == 0) {
                continue;
            }
            try {
                Joined joined = join(w);
                none += joined.unmatched();
                out.addAll(invert.label(w.layer().model(), w.layer().layer(), w.activations(), joined.labels(),
                        names(joined.labels().concepts()), System.currentTimeMillis()));
                layers++;
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    break; // interrupted by the shutdown of its closed task: nothing is published anyway
                }
                LOG.error("labelling {} failed", w.layer(), e);
            }
        }
        ClipDissectLabeller dissect = new ClipDissectLabeller(clip.params(), settings.threads());
        for (Map.Entry<String, StreamingTopK.Snapshot> e : heaps.entrySet()) {
            if (closed) {
                break;
            }
            String key = e.getKey();
            int slash = key.indexOf('/');
            try {
                out.addAll(dissect.label(key.substring(0, slash), key.substring(slash + 1), e.getValue(),
                        clip.names(e.getValue().concepts()), System.currentTimeMillis()));
            } catch (RuntimeException ex) {
                LOG.error("CLIP-Dissect of {} failed", key, ex);
            }
        }
        unmatched = none;
        return new Run(out, layers, System.nanoTime() - started);
    }

    private record Joined(LabelMatrix labels, long unmatched) {
    }

    /**
     * The window's inline labels united with its samples' annotations (their latest concepts). Counts the samples
     * with neither.
     */
    private Joined join(ArchiveWindow w) {
        LabelMatrix inline = w.labels();
        long[] ids = w.sampleIds();
        int[][] late = new int[ids.length][];
        int c = inline.concepts();
        for (int i = 0; i < ids.length; i++) {
            AnnotationTable.Entry e = annotations == null ? null : annotations.lookup(w.layer().model(), ids[i]);
            if (e != null) {
                late[i] = e.concepts();
                for (int id : e.concepts()) {
                    c = Math.max(c, id + 1);
                }
            }
        }
        LabelMatrix.Builder b = LabelMatrix.builder(inline.rows(), c);
        long none = 0;
        for (int i = 0; i < inline.rows(); i++) {
            boolean any = false;
            for (int k = 0; k < inline.concepts(); k++) {
                if (inline.get(i, k)) {
                    b.set(i, k);
                    any = true;
                }
            }
            if (late[i] != null) {
                // An annotation with no concepts is still an answer: the sample is matched.
                any = true;
                for (int id : late[i]) {
                    b.set(i, id);
                }
            }
            none += any ? 0 : 1;
        }
        if (none > 0) {
            LOG.info("{}: {} of {} window samples have neither an inline label nor an annotation", w.layer(), none,
                    inline.rows());
        }
        return new Joined(b.build(), none);
    }

    private ConceptSet names(int count) {
        ConceptSet configured = settings.concepts();
        if (configured != null && configured.size() >= count) {
            return configured;
        }
        List<Concept> cs = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            cs.add(Concept.of(settings.conceptId(c)));
        }
        return ConceptSet.of(cs);
    }

    /**
     * Labels to the labels topic and changes to the events topic. The first time a neuron is seen here, its last
     * published label (by a previous owner) is the baseline, so a move is not drift.
     */
    private List<LabelChange> publish(List<NeuronLabel> labels) {
        for (NeuronLabel l : labels) {
            if (!drift.knows(l.neuron(), l.method())) {
                byte[] before = published.get(LabelJson.key(l));
                if (before != null) {
                    try {
                        drift.restore(LabelJson.decode(before));
                    } catch (IOException e) {
                        LOG.warn("ignoring unreadable label {}: {}", new String(LabelJson.key(l),
                                StandardCharsets.UTF_8), e.getMessage());
                    }
                }
            }
        }
        for (NeuronLabel l : labels) {
            sink.label(LabelJson.key(l), LabelJson.encode(l));
        }
        List<LabelChange> changed = drift.update(labels);
        for (LabelChange c : changed) {
            sink.event(LabelJson.key(c.current()), LabelJson.encode(c));
        }
        return changed;
    }

    /**
     * Drops a run in flight unpublished: its task is closing, so its partition has (or will have) another owner,
     * which runs its own. The run stops at its next layer.
     */
    void cancel() {
        closed = true;
        inFlight = null;
    }

    private static void closeWindows(List<ArchiveWindow> windows) {
        for (ArchiveWindow w : windows) {
            try {
                w.close();
            } catch (IOException e) {
                LOG.warn("closing label window: {}", e.getMessage());
            }
        }
    }

    boolean running() {
        return inFlight != null;
    }

    long runs() {
        return runs;
    }

    /** How long the last published run took. */
    Duration lastRunTime() {
        return Duration.ofNanos(lastRunNanos);
    }

    /** Samples of the last run with neither an inline label nor an annotation. */
    long unmatched() {
        return unmatched;
    }

    /** The latest label of every neuron this task published or took over. */
    List<NeuronLabel> labels() {
        return drift.snapshot();
    }
}
