package io.neurowatch.analyzers.invert;

import io.neurowatch.core.LabelMatrix;

/** Evaluates a formula row by row, the slow obvious way, to check the fast statistics against. */
final class Evaluate {
    private Evaluate() {
    }

    static boolean[] holds(Formula f, LabelMatrix labels) {
        boolean[] out = new boolean[labels.rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = at(f, labels, i);
        }
        return out;
    }

    private static boolean at(Formula f, LabelMatrix labels, int row) {
        if (f instanceof Formula.Sym s) {
            return labels.get(row, s.index());
        } else if (f instanceof Formula.Not n) {
            return !labels.get(row, n.sym().index());
        } else if (f instanceof Formula.And a) {
            return a.args().stream().allMatch(x -> at(x, labels, row));
        }
        return ((Formula.Or) f).args().stream().anyMatch(x -> at(x, labels, row));
    }
}
