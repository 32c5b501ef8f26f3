package io.neurowatch.analyzers.clipdissect;

/**
 * The per-image summand of a PMI function's log-likelihood log p(t_m | B_k): given the concept probabilities
 * p(t_m | x) of one top image at rank j, {@link #accumulate} adds its term for every concept. Immutable.
 */
abstract class TopImageTerm {

    /**
     * True when the term does not depend on the rank (wpmi): then {@link #transform} is applied once per image and
     * shared by every unit whose top set contains it, and {@link #accumulate} only adds.
     */
    abstract boolean rankIndependent();

    /** Replaces probabilities by their rank-independent term, in place; a no-op for rank-dependent terms. */
    void transform(double[] row, int m) {
    }

    /** dst[c] += term(rank, row[c]) for c in [0, m). */
    abstract void accumulate(double[] dst, double[] row, int m, int rank);

    /** Number of top images per unit. */
    abstract int topK();
}
