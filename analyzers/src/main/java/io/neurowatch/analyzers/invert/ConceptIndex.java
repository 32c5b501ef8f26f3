package io.neurowatch.analyzers.invert;

import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.LabelMatrix;

/**
 * The label side of INVERT, built once and shared read-only by all worker threads: one bitset per concept, its
 * count n_c, and for sparse concepts (n_c below the number of bitset words) the list of member rows, so that
 * intersections cost O(min(n_c, N/64 + n∧)) (spec invert.md §7 step 2, §8.2).
 */
public final class ConceptIndex {
    private final LabelMatrix labels;
    private final ConceptSet concepts;
    private final int[] counts;
    private final int[][] members;
    private final Formula.Sym[] symbols;
    private final Formula.Not[] negations;

    /**
     * @throws IllegalArgumentException if the concept list does not have one entry per label column
     */
    public ConceptIndex(LabelMatrix labels, ConceptSet concepts) {
        if (labels.concepts() != concepts.size()) {
            throw new IllegalArgumentException("labels have " + labels.concepts() + " concept columns but the concept "
                    + "list has " + concepts.size() + " entries");
        }
        this.labels = labels;
        this.concepts = concepts;
        int c = labels.concepts();
        int words = LabelMatrix.words(labels.rows());
        counts = new int[c];
        members = new int[c][];
        symbols = new Formula.Sym[c];
        negations = new Formula.Not[c];
        for (int j = 0; j < c; j++) {
            counts[j] = labels.count(j);
            if (counts[j] < words) {
                members[j] = rowsOf(labels.column(j), counts[j]);
            }
            symbols[j] = Formula.sym(j, concepts.id(j));
            negations[j] = Formula.not(symbols[j]);
        }
    }

    static int[] rowsOf(long[] bits, int count) {
        int[] out = new int[count];
        int k = 0;
        for (int w = 0; w < bits.length; w++) {
            long x = bits[w];
            while (x != 0) {
                out[k++] = (w << 6) | Long.numberOfTrailingZeros(x);
                x &= x - 1;
            }
        }
        return out;
    }

    public int rows() {
        return labels.rows();
    }

    public int concepts() {
        return counts.length;
    }

    public ConceptSet conceptSet() {
        return concepts;
    }

    int count(int c) {
        return counts[c];
    }

    long[] bits(int c) {
        return labels.column(c);
    }

    /** Member rows of a sparse concept, or null for a dense one. */
    int[] members(int c) {
        return members[c];
    }

    Formula.Sym symbol(int c) {
        return symbols[c];
    }

    Formula.Not negation(int c) {
        return negations[c];
    }
}
