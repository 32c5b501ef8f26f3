package io.neurowatch.ops.http;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the dashboard pages show, read on demand. The HTTP API turns these records into JSON (docs/http.md); each
 * call runs off the event loop and may block. A source that has produced nothing yet (no CLIP-Dissect run, no
 * DORA result, no renders) gives null fields and empty lists, never an error.
 */
public interface DashboardData {

    /** Every known layer of every model, sorted by model, then layer. */
    List<LayerInfo> layers();

    /** The neuron table of a layer, by neuron id; empty if the layer is unknown. */
    Optional<List<NeuronRow>> neurons(String model, String layer);

    /** One neuron in full; empty if the layer is unknown or has no such neuron. */
    Optional<NeuronDetail> neuron(String model, String layer, int neuron);

    /** The DORA atlas of a layer; empty if there is no DORA result for it. */
    Optional<List<AtlasPoint>> atlas(String model, String layer);

    /** No data at all: the dashboard of a server that was given none. */
    static DashboardData none() {
        return new DashboardData() {
            @Override
            public List<LayerInfo> layers() {
                return List.of();
            }

            @Override
            public Optional<List<NeuronRow>> neurons(String model, String layer) {
                return Optional.empty();
            }

            @Override
            public Optional<NeuronDetail> neuron(String model, String layer, int neuron) {
                return Optional.empty();
            }

            @Override
            public Optional<List<AtlasPoint>> atlas(String model, String layer) {
                return Optional.empty();
            }
        };
    }

    /**
     * One layer of one model.
     *
     * @param version model version of the newest batch seen by this process, or null
     * @param features D, the number of neurons
     * @param samples samples in the retained statistics
     * @param lastBatchMillis arrival time of the newest batch seen by this process, or null
     * @param atlas whether a DORA atlas exists for the layer
     */
    record LayerInfo(String model, String version, String layer, int features, long samples, Long lastBatchMillis,
                     boolean atlas) {
        public LayerInfo {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(layer, "layer");
        }
    }

    /**
     * One row of a layer's neuron table; a null part means that source has nothing for the neuron.
     *
     * @param samples activations in the retained statistics
     */
    record NeuronRow(int neuron, InvertLabel invert, ClipDissectLabel clipDissect, DoraScore dora,
                     Quantiles quantiles, long samples) {
    }

    /**
     * The current INVERT label.
     *
     * @param auroc NaN when undefined
     * @param pValue NaN when undefined
     * @param status {@code ok}, {@code constant}, {@code dead}, …
     */
    record InvertLabel(String label, String readable, double auroc, double pValue, String status,
                       long computedAtMillis) {
    }

    /** CLIP-Dissect's description; {@code concept} is null when the unit has none ({@code status} says why). */
    record ClipDissectLabel(String concept, double score, String status) {
    }

    /** DORA: negative outlier factor (lower is more outlying; NaN when not scored) and the outlier flag. */
    record DoraScore(double nof, boolean outlier) {
    }

    /** Activation quantiles from the streaming sketch (within its rank error). */
    record Quantiles(double p5, double p50, double p95, double p99) {
    }

    /**
     * A neuron in full.
     *
     * @param history label changes seen by this process, oldest first
     * @param histogram the activation histogram, or null before any sample
     * @param topSamples highest-activating samples seen by this process, highest first
     * @param renders URLs of the neuron's images (renders, s-AMS), sorted by file name
     */
    record NeuronDetail(String model, String layer, NeuronRow row, List<LabelEvent> history, Histogram histogram,
                        List<TopSample> topSamples, List<String> renders) {
        public NeuronDetail {
            history = List.copyOf(history);
            topSamples = List.copyOf(topSamples);
            renders = List.copyOf(renders);
        }
    }

    /**
     * A label change (drift event).
     *
     * @param previous the label before (readable form), or null for the neuron's first label
     * @param current the label after (readable form)
     * @param score AUROC (INVERT) or similarity (CLIP-Dissect) of the new label; NaN when undefined
     */
    record LabelEvent(long timeMillis, String method, String previous, String current, double score,
                      String status) {
    }

    /**
     * Counts of activations in consecutive bins: bin i holds the values in (edges[i], edges[i+1]], the first bin
     * also edges[0], so {@code edges.length == counts.length + 1}. Arrays are copied in and out.
     */
    record Histogram(double[] edges, long[] counts) {
        public Histogram {
            if (edges.length != counts.length + 1) {
                throw new IllegalArgumentException("need one more edge than counts: " + edges.length + " edges, "
                        + counts.length + " counts");
            }
            edges = edges.clone();
            counts = counts.clone();
        }

        @Override
        public double[] edges() {
            return edges.clone();
        }

        @Override
        public long[] counts() {
            return counts.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Histogram h && Arrays.equals(edges, h.edges) && Arrays.equals(counts, h.counts);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(edges) + Arrays.hashCode(counts);
        }

        @Override
        public String toString() {
            return "Histogram[edges=" + Arrays.toString(edges) + ", counts=" + Arrays.toString(counts) + "]";
        }
    }

    /** A sample and the activation it produced. */
    record TopSample(long sampleId, double activation) {
    }

    /** A neuron's place in the DORA atlas (2-D embedding of the EA distances). */
    record AtlasPoint(int neuron, double x, double y, double nof, boolean outlier) {
    }
}
