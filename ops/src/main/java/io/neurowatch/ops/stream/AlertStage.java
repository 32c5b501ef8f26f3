package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.artifacts.ArtifactAlert;
import io.neurowatch.analyzers.artifacts.ArtifactDetector;
import io.neurowatch.analyzers.artifacts.DetectorBank;
import io.neurowatch.analyzers.artifacts.NeuronDistribution;
import io.neurowatch.core.state.NeuronSketch;
import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.StatisticsStore;
import io.neurowatch.core.wire.ActivationBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifact alerts of one task's layers: every sample whose activation on a detector neuron is above the detector's
 * threshold is an alert, decided as soon as its record is decoded. Thresholds are percentiles of the neurons'
 * streaming sketches, re-read at most every {@code alerts.refresh}, so they lag the stream by at most that much (and
 * by the statistics' write batching). Detectors come from the configuration and from DORA; they and their frozen
 * thresholds live on the detectors topic, so a task's new owner continues with them.
 *
 * <p>Not thread-safe (the task's thread).
 */
final class AlertStage {
    private static final Logger LOG = LoggerFactory.getLogger(AlertStage.class);

    /** Where alerts and detector updates go (the task's outputs). */
    interface Sink {
        void alert(byte[] key, byte[] json);

        void detector(byte[] key, byte[] json);
    }

    private final AlertSettings settings;
    private final DetectorBank bank;
    private final Sink sink;
    private long lastRefreshMillis;
    private long alerts;

    /**
     * @param published detector states published earlier (by this task's previous owners), restored with their
     *     thresholds
     */
    AlertStage(AlertSettings settings, List<DetectorBank.DetectorState> published, Sink sink) {
        this.settings = settings;
        this.sink = sink;
        this.bank = settings.newBank();
        published.forEach(bank::restore);
        bank.register(settings.detectors(), "config");
    }

    /**
     * Scores a decoded batch; every alert goes to the alerts topic (and is returned for the dashboard). A record
     * replayed after a crash is scored again, since its earlier alerts belonged to an aborted transaction.
     */
    List<byte[]> score(ActivationBatch b, SourceOffset pos, long nowMillis) {
        if (bank.isEmpty()) {
            return List.of();
        }
        List<ArtifactAlert> found = bank.score(b.modelId(), b.layer(), b.sampleIds(), b.timestampsMillis(),
                b.activations(), b.features());
        List<byte[]> out = new ArrayList<>(found.size());
        String source = pos.topic() + "-" + pos.partition() + "@" + pos.offset();
        for (ArtifactAlert a : found) {
            byte[] json = AlertJson.artifact(a, source, nowMillis);
            sink.alert(AlertJson.key(a.detector()), json);
            out.add(json);
        }
        alerts += found.size();
        return out;
    }

    /**
     * Re-reads thresholds from the statistics, at most every {@code alerts.refresh} unless {@code now}; a threshold
     * that froze is published.
     */
    void refresh(StatisticsStore stats, boolean now, long nowMillis) {
        if (bank.isEmpty() || (!now && nowMillis - lastRefreshMillis < settings.refresh().toMillis())) {
            return;
        }
        lastRefreshMillis = nowMillis;
        Map<ArtifactDetector, NeuronSketch> read = new HashMap<>();
        Function<ArtifactDetector, NeuronSketch> sketch =
                d -> read.computeIfAbsent(d, k -> stats.sketch(k.model(), k.layer(), k.neuron()));
        List<DetectorBank.DetectorState> before = bank.states();
        boolean froze = bank.refresh(new NeuronDistribution() {
            @Override
            public long count(ArtifactDetector d) {
                return known(stats, d) ? sketch.apply(d).count() : 0;
            }

            @Override
            public double quantile(ArtifactDetector d, double rank) {
                return sketch.apply(d).quantiles(rank)[0];
            }
        });
        if (froze) {
            for (DetectorBank.DetectorState s : bank.states()) {
                if (s.frozen() && !before.contains(s)) {
                    sink.detector(DetectorJson.key(s.detector()), DetectorJson.encode(s));
                }
            }
        }
    }

    private static boolean known(StatisticsStore stats, ArtifactDetector d) {
        return stats.layers(d.model()).contains(d.layer()) && d.neuron() < stats.neurons(d.model(), d.layer()).size();
    }

    /**
     * Makes neurons detectors from now on (DORA flagged them) and publishes them and an {@code infected_neuron}
     * alert each.
     *
     * @param nof the neurons' negative outlier factors, parallel to {@code flagged}
     * @return the alerts' JSON, for the dashboard
     */
    List<byte[]> registerInfected(String model, String version, String layer, List<Integer> flagged, double[] nof,
                                  StatisticsStore stats, long nowMillis) throws IOException {
        List<ArtifactDetector> ds = flagged.stream().map(n -> new ArtifactDetector(model, layer, n)).toList();
        bank.register(ds, "dora " + model + "@" + version);
        refresh(stats, true, nowMillis);
        for (DetectorBank.DetectorState s : bank.states()) {
            if (ds.contains(s.detector())) {
                sink.detector(DetectorJson.key(s.detector()), DetectorJson.encode(s));
            }
        }
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < flagged.size(); i++) {
            ArtifactDetector d = ds.get(i);
            byte[] json = AlertJson.infected(d, version, i, nof[i], nowMillis);
            sink.alert(AlertJson.key(d), json);
            out.add(json);
        }
        LOG.info("DORA flagged {} of {}/{} (version {}); they are detectors now", flagged, model, layer, version);
        return out;
    }

    /** The model versions DORA already analysed (detectors with origin {@code dora model@version}). */
    List<String> analysedVersions(String model) {
        String prefix = "dora " + model + "@";
        List<String> out = new ArrayList<>();
        for (DetectorBank.DetectorState s : bank.states()) {
            if (s.origin().startsWith(prefix)) {
                out.add(s.origin().substring(prefix.length()));
            }
        }
        return out;
    }

    List<DetectorBank.DetectorState> states() {
        return bank.states();
    }

    long alertCount() {
        return alerts;
    }
}
