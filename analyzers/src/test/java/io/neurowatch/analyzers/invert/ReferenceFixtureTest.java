package io.neurowatch.analyzers.invert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.neurowatch.analyzers.Fixtures;
import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.InMemoryActivations;
import io.neurowatch.core.LabelMatrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parity with the reference (lapalap/invert 33b5bcb) on {@code testdata/reference/invert}: with all compat flags on,
 * every explanation must match in formula, order, length and support (duplicates included), the AUROC to 2e-7
 * and the p-value to 1e-9 relative. The default mode is checked for its own invariants on the same data.
 */
class ReferenceFixtureTest {

    private static InvertParams params(JsonNode p) {
        InvertParams ip = InvertParams.of(p.get("L").asInt(), p.get("B").asInt())
                .withFractions(p.get("min_fraction").asDouble(), p.get("max_fraction").asDouble())
                .withMode(Mode.parse(p.get("mode").asText()))
                .withMemorizeStates(p.get("memorize_states").asBoolean())
                .withAlternative(Alternative.parse(p.get("alternative").asText()));
        if (!p.get("limit_search").isNull()) {
            ip = ip.withLimitSearch(p.get("limit_search").asInt());
        }
        return ip;
    }

    @ParameterizedTest
    @CsvSource({"A1.npy,Y1.npy,ref1.json", "A2.npy,Y2.npy,ref2.json", "A3.npy,Y3.npy,ref3.json",
        "A4.npy,Y4.npy,ref4.json", "Adeg.npy,Ydeg.npy,deg.json"})
    void compatModeReproducesTheReference(String a, String y, String ref) throws Exception {
        Path dir = Fixtures.dir("invert");
        JsonNode expected = Fixtures.json(dir.resolve(ref));
        InMemoryActivations acts = Fixtures.activations(dir.resolve(a));
        LabelMatrix labels = Fixtures.labels(dir.resolve(y));
        ConceptIndex index = new ConceptIndex(labels, ConceptSet.numbered("c", labels.concepts()));
        InvertParams p = params(expected.get("params")).withReferenceCompat(true);
        List<UnitResult> results = new InvertExplainer(index, p, 2, 2).explainAll(acts, InvertExplainer.ProgressListener.NONE);
        int compared = 0;
        for (JsonNode unit : expected.get("results")) {
            UnitResult got = results.get(unit.get("unit").asInt());
            if (unit.has("states")) {
                for (Map.Entry<String, JsonNode> st : iterable(unit.get("states"))) {
                    compared += compare(st.getValue(), got.states().get(Integer.parseInt(st.getKey())), ref);
                }
            } else {
                compared += compare(unit.get("explanations"), got.explanations(), ref);
            }
        }
        assertTrue(compared > 0);
    }

    private static int compare(JsonNode want, List<Explanation> got, String where) {
        List<String> wantF = new ArrayList<>();
        want.forEach(e -> wantF.add(e.get("formula").asText() + " @" + e.get("length").asInt()
                + " n=" + e.get("support").asInt()));
        List<String> gotF = got.stream().map(e -> e.canonical() + " @" + e.length() + " n=" + e.support()).toList();
        assertEquals(wantF, gotF, where);
        for (int i = 0; i < want.size(); i++) {
            JsonNode w = want.get(i);
            Explanation g = got.get(i);
            assertEquals(w.get("auroc").asDouble(), g.auroc(), 2e-7, where + " auroc of " + g.canonical());
            assertEquals(w.get("differentiability").asDouble(), g.differentiability(), 4e-7, where);
            assertEquals(w.get("concept_fraction").asDouble(), g.conceptFraction(), 1e-9, where);
            double wp = w.get("p_value").asDouble();
            assertEquals(wp, g.pValue(), Math.max(1e-300, Math.abs(wp) * 1e-9), where + " p of " + g.canonical());
        }
        return want.size();
    }

    @ParameterizedTest
    @CsvSource({"A1.npy,Y1.npy,ref1.json", "A2.npy,Y2.npy,ref2.json", "A3.npy,Y3.npy,ref3.json",
        "A4.npy,Y4.npy,ref4.json", "Adeg.npy,Ydeg.npy,deg.json"})
    void defaultModeIsExactAndDuplicateFree(String a, String y, String ref) throws Exception {
        Path dir = Fixtures.dir("invert");
        JsonNode expected = Fixtures.json(dir.resolve(ref));
        InMemoryActivations acts = Fixtures.activations(dir.resolve(a));
        LabelMatrix labels = Fixtures.labels(dir.resolve(y));
        ConceptIndex index = new ConceptIndex(labels, ConceptSet.numbered("c", labels.concepts()));
        InvertParams p = params(expected.get("params"));
        double[][] cols = acts.readColumns(0, acts.features());
        for (int d = 0; d < cols.length; d++) {
            UnitResult r = InvertExplainer.explainUnit(cols[d], index, p, true);
            List<List<Explanation>> beams = new ArrayList<>();
            if (r.states() != null) {
                beams.addAll(r.states().values());
            } else {
                beams.add(r.explanations());
            }
            for (List<Explanation> beam : beams) {
                Set<String> seen = new HashSet<>();
                for (Explanation e : beam) {
                    assertTrue(seen.add(e.canonical()), "duplicate " + e.canonical() + " in " + ref);
                    // The fast (n, rank-sum) statistics equal recomputation from the materialised formula.
                    boolean[] holds = Evaluate.holds(e.formula(), labels);
                    int support = 0;
                    for (boolean h : holds) {
                        support += h ? 1 : 0;
                    }
                    assertEquals(support, e.support());
                    assertEquals(Auroc.of(cols[d], holds), e.auroc(), 1e-15, e.canonical());
                    assertTrue(e.support() >= p.minFraction() * labels.rows()
                            && e.support() <= p.maxFraction() * labels.rows());
                }
            }
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode n) {
        return n::fields;
    }
}
