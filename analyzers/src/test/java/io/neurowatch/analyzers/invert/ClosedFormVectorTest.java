package io.neurowatch.analyzers.invert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.LabelMatrix;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The closed-form parity vector of spec invert.md §10 item 2, in both modes. */
class ClosedFormVectorTest {
    private static final int N = 24;
    private static final ConceptIndex LABELS = labels();
    private static final double[] A = activations(0);

    private static ConceptIndex labels() {
        LabelMatrix.Builder b = LabelMatrix.builder(N, 4);
        for (int i = 0; i < N; i++) {
            if (i % 2 == 0) {
                b.set(i, 0);
            }
            if (i % 3 == 0) {
                b.set(i, 1);
            }
            if (i < 6) {
                b.set(i, 2);
            }
            if ((7 * i) % 24 < 5) {
                b.set(i, 3);
            }
        }
        return new ConceptIndex(b.build(), ConceptSet.numbered("c", 4));
    }

    private static double[] activations(double shift) {
        double[] a = new double[N];
        for (int i = 0; i < N; i++) {
            boolean planted = i % 2 == 0 && i % 3 != 0;
            a[i] = (float) ((5 * i % 8) / 10.0 + (planted ? 0.25 : 0.0) + shift);
        }
        return a;
    }

    private static List<Explanation> run(InvertParams p, double[] a) {
        return InvertExplainer.explainUnit(a, LABELS, p, true).explanations();
    }

    private static List<String> formulas(List<Explanation> es) {
        return es.stream().map(Explanation::canonical).collect(Collectors.toList());
    }

    private static final InvertParams COMPAT = InvertParams.of(1, 4).withReferenceCompat(true);

    @Test
    void withLengthOneTheBeamHoldsTheBestSingleConceptsInOrder() {
        List<Explanation> es = run(COMPAT, A);
        assertEquals(List.of("c0", "c2", "~c0", "c3"), formulas(es));
        assertEquals(0.54166669f, (float) es.get(0).auroc());
        assertEquals(0.46296299f, (float) es.get(1).auroc());
        assertEquals(0.45833331f, (float) es.get(2).auroc());
        assertEquals(0.42105266f, (float) es.get(3).auroc());
        assertEquals(12, es.get(0).support());
        assertEquals(0.74978, es.get(0).pValue(), 5e-6);

        List<Explanation> exact = run(InvertParams.of(1, 4), A);
        assertEquals(formulas(es), formulas(exact));
        assertEquals(13.0 / 24, exact.get(0).auroc(), 0);
        assertEquals(25.0 / 54, exact.get(1).auroc(), 0);
        assertEquals(8.0 / 19, exact.get(3).auroc(), 0);
    }

    @Test
    void duplicatesInCompatModeCollapseByDefault() {
        InvertParams p = InvertParams.of(3, 3).withFractions(0.1, 0.5);
        List<Explanation> compat = run(p.withReferenceCompat(true), A);
        assertEquals(List.of("c0 & ~c1", "c0 & ~c1", "c0 & ~c1"), formulas(compat));
        assertEquals(List.of(2, 3, 3), compat.stream().map(Explanation::length).toList());
        assertEquals(0.671875, compat.get(0).auroc(), 0);
        assertEquals(8, compat.get(0).support());
        assertEquals(0.18605, compat.get(0).pValue(), 5e-6);
        assertEquals(0.093024, run(p.withReferenceCompat(true).withAlternative(Alternative.LESS), A)
                .get(0).pValue(), 5e-7);
        assertEquals(0.91680, run(p.withReferenceCompat(true).withAlternative(Alternative.GREATER), A)
                .get(0).pValue(), 5e-6);

        List<Explanation> exact = run(p, A);
        assertEquals("c0 & ~c1", exact.get(0).canonical());
        assertEquals(43.0 / 64, exact.get(0).auroc(), 0);
        assertEquals(exact.size(), formulas(exact).stream().distinct().count(), "no duplicates: " + formulas(exact));
    }

    @Test
    void negativeModeExplainsLowActivations() {
        InvertParams p = InvertParams.of(2, 2).withFractions(0.1, 0.5).withMode(Mode.NEGATIVE);
        List<Explanation> compat = run(p.withReferenceCompat(true), A);
        assertEquals(List.of("c0 & c1", "c1"), formulas(compat));
        assertEquals(0.29999998f, (float) compat.get(0).auroc());
        assertEquals(4, compat.get(0).support());
        assertEquals(0.359375, compat.get(1).auroc(), 0);
        List<Explanation> exact = run(p, A);
        assertEquals(List.of("c0 & c1", "c1"), formulas(exact));
        assertEquals(0.3, exact.get(0).auroc(), 1e-16);
    }

    @Test
    void memorizedStatesWithLimitSearch() {
        InvertParams p = InvertParams.of(3, 2).withFractions(0.1, 0.5).withLimitSearch(3).withMemorizeStates(true)
                .withReferenceCompat(true);
        var states = InvertExplainer.explainUnit(A, LABELS, p, true).states();
        assertEquals(List.of(1, 2, 3), List.copyOf(states.keySet()));
        assertEquals(List.of("c0", "c2"), formulas(states.get(1)));
        assertEquals(List.of("c0 & ~c1", "c0 & c3"), formulas(states.get(2)));
        assertEquals(0.58730161f, (float) states.get(2).get(1).auroc());
        assertEquals(List.of("c0 & ~c1", "c0 & ~c1"), formulas(states.get(3)));
        assertEquals(List.of(2, 3), states.get(3).stream().map(Explanation::length).toList());
    }

    @Test
    void defaultFractionsAdmitTinySupports() {
        List<Explanation> compat = run(InvertParams.of(3, 3).withReferenceCompat(true), A);
        assertEquals(List.of("c0 & c3 & ~c2", "c0 & c3 & ~c2", "c0 & c3 & ~c1"), formulas(compat));
        assertEquals(0.97826082f, (float) compat.get(0).auroc());
        assertEquals(1, compat.get(0).support());
        assertEquals(2, compat.get(2).support());
        List<Explanation> exact = run(InvertParams.of(3, 3), A);
        assertEquals(45.0 / 46, exact.get(0).auroc(), 1e-16);
        assertEquals("c0 & c3 & ~c2", exact.get(0).canonical());
        assertEquals("c0 & c3 & ~c1", exact.get(1).canonical());
        assertEquals(39.0 / 44, exact.get(1).auroc(), 1e-16);
    }

    @Test
    void shiftedActivationsHitTheSigmoidQuirkOnlyInCompatMode() {
        double[] shifted = activations(20);
        List<Explanation> compat = run(COMPAT, shifted);
        assertEquals(List.of("c0", "c1", "c2", "c3"), formulas(compat));
        compat.forEach(e -> assertEquals(0.5, e.auroc(), 0));
        List<Explanation> exact = run(InvertParams.of(1, 4), shifted);
        assertEquals(List.of("c0", "c2", "~c0", "c3"), formulas(exact));
        assertEquals(13.0 / 24, exact.get(0).auroc(), 0);
    }

    @Test
    void noExpansionOrNoAdmissibleFormulaAndBadParametersBehaveAsSpecified() {
        // L = 1 with K = 0, and an empty beam when nothing is admissible.
        assertEquals(4, run(InvertParams.of(3, 4).withLimitSearch(0), A).size());
        assertTrue(run(InvertParams.of(2, 3).withFractions(0.9, 0.95), A).isEmpty());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> run(InvertParams.of(2, 3).withLimitSearch(9), A));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Mode.parse("both"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Alternative.parse("one-sided"));
    }
}
