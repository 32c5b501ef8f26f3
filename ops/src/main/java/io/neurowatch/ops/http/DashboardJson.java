package io.neurowatch.ops.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurowatch.ops.http.DashboardData.AtlasPoint;
import io.neurowatch.ops.http.DashboardData.Histogram;
import io.neurowatch.ops.http.DashboardData.LabelEvent;
import io.neurowatch.ops.http.DashboardData.LayerInfo;
import io.neurowatch.ops.http.DashboardData.NeuronDetail;
import io.neurowatch.ops.http.DashboardData.NeuronRow;
import io.neurowatch.ops.http.DashboardData.TopSample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the dashboard API (schemas in docs/http.md). Field names are snake_case; numbers that are not finite
 * are written as null, since JSON has no NaN. Stateless.
 */
final class DashboardJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DashboardJson() {
    }

    /** {@code {"models": [{"model", "version", "layers": [...]}]}}, layers grouped under their model. */
    static ObjectNode models(List<LayerInfo> layers) {
        Map<String, ObjectNode> byModel = new LinkedHashMap<>();
        for (LayerInfo l : layers) {
            ObjectNode m = byModel.computeIfAbsent(l.model(), name -> {
                ObjectNode n = JSON.createObjectNode().put("model", name);
                n.putNull("version");
                n.putArray("layers");
                return n;
            });
            if (l.version() != null && m.get("version").isNull()) {
                m.put("version", l.version());
            }
            ObjectNode n = ((ArrayNode) m.get("layers")).addObject();
            n.put("layer", l.layer());
            n.put("version", l.version());
            n.put("features", l.features());
            n.put("samples", l.samples());
            if (l.lastBatchMillis() == null) {
                n.putNull("last_batch");
            } else {
                n.put("last_batch", l.lastBatchMillis());
            }
            n.put("atlas", l.atlas());
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode models = out.putArray("models");
        byModel.values().forEach(models::add);
        return out;
    }

    static ObjectNode neurons(String model, String layer, List<NeuronRow> rows) {
        ObjectNode out = JSON.createObjectNode().put("model", model).put("layer", layer);
        ArrayNode a = out.putArray("neurons");
        for (NeuronRow r : rows) {
            row(a.addObject(), r);
        }
        return out;
    }

    static ObjectNode neuron(NeuronDetail d) {
        ObjectNode out = JSON.createObjectNode().put("model", d.model()).put("layer", d.layer());
        row(out, d.row());
        ArrayNode history = out.putArray("history");
        for (LabelEvent e : d.history()) {
            ObjectNode n = history.addObject().put("time", e.timeMillis()).put("method", e.method());
            n.put("previous", e.previous());
            n.put("current", e.current());
            number(n, "score", e.score());
            n.put("status", e.status());
        }
        Histogram h = d.histogram();
        if (h == null) {
            out.putNull("histogram");
        } else {
            ObjectNode n = out.putObject("histogram");
            ArrayNode edges = n.putArray("edges");
            for (double e : h.edges()) {
                edges.add(e);
            }
            ArrayNode counts = n.putArray("counts");
            for (long c : h.counts()) {
                counts.add(c);
            }
        }
        ArrayNode top = out.putArray("top_samples");
        for (TopSample s : d.topSamples()) {
            number(top.addObject().put("sample_id", s.sampleId()), "activation", s.activation());
        }
        ArrayNode renders = out.putArray("renders");
        d.renders().forEach(renders::add);
        return out;
    }

    static ObjectNode atlas(String model, String layer, List<AtlasPoint> points) {
        ObjectNode out = JSON.createObjectNode().put("model", model).put("layer", layer);
        ArrayNode a = out.putArray("points");
        for (AtlasPoint p : points) {
            ObjectNode n = a.addObject().put("neuron", p.neuron());
            number(n, "x", p.x());
            number(n, "y", p.y());
            number(n, "nof", p.nof());
            n.put("outlier", p.outlier());
        }
        return out;
    }

    private static void row(ObjectNode n, NeuronRow r) {
        n.put("neuron", r.neuron());
        if (r.invert() == null) {
            n.putNull("invert");
        } else {
            ObjectNode i = n.putObject("invert").put("label", r.invert().label())
                    .put("readable", r.invert().readable());
            number(i, "auroc", r.invert().auroc());
            number(i, "p_value", r.invert().pValue());
            i.put("status", r.invert().status()).put("computed_at", r.invert().computedAtMillis());
        }
        if (r.clipDissect() == null) {
            n.putNull("clip_dissect");
        } else {
            ObjectNode c = n.putObject("clip_dissect").put("concept", r.clipDissect().concept());
            number(c, "score", r.clipDissect().score());
            c.put("status", r.clipDissect().status());
        }
        if (r.dora() == null) {
            n.putNull("dora");
        } else {
            ObjectNode o = n.putObject("dora");
            number(o, "nof", r.dora().nof());
            o.put("outlier", r.dora().outlier());
        }
        if (r.quantiles() == null) {
            n.putNull("quantiles");
        } else {
            ObjectNode q = n.putObject("quantiles");
            number(q, "p5", r.quantiles().p5());
            number(q, "p50", r.quantiles().p50());
            number(q, "p95", r.quantiles().p95());
            number(q, "p99", r.quantiles().p99());
        }
        n.put("samples", r.samples());
    }

    private static void number(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }
}
