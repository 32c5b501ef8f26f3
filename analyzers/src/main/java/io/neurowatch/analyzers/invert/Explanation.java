package io.neurowatch.analyzers.invert;

import java.util.List;

/**
 * One explanation of a unit.
 *
 * @param formula the normalised formula; {@link Formula#canonical()} is its canonical string over concept ids
 * @param length the beam iteration that created it (1 for atoms) — not the literal count (quirk Q7)
 * @param auroc AUROC of the formula's labelling against the activations (float32-rounded in float32 compat)
 * @param differentiability 2·|0.5 − auroc|
 * @param conceptFraction support / N
 * @param support number of samples where the formula is true
 * @param pValue Mann–Whitney p-value of activations inside vs outside the formula (uncorrected for the search)
 */
public record Explanation(Formula formula, int length, double auroc, double differentiability,
                          double conceptFraction, int support, double pValue) {

    public String canonical() {
        return formula.canonical();
    }

    /** Number of leaves after normalisation (Neurowatch extension: {@code length} counts iterations). */
    public int literals() {
        return formula.literals();
    }

    /** The canonical layout with human concept names from {@code concepts} (label column c = concept c). */
    public String readable(io.neurowatch.core.ConceptSet concepts) {
        return formula.render(s -> concepts.get(s.index()).name());
    }

    public List<String> concepts() {
        return formula.conceptIds();
    }
}
