package io.neurowatch.analyzers.clipdissect;

/** wpmi's summand (spec §3.3): log(p(t|x) + ε), the same for every rank. Immutable. */
final class Wpmi extends TopImageTerm {
    private final int topK;
    private final double epsilon;

    Wpmi(DissectParams params) {
        this.topK = params.topK();
        this.epsilon = params.epsilon();
    }

    @Override
    boolean rankIndependent() {
        return true;
    }

    @Override
    void transform(double[] row, int m) {
        for (int c = 0; c < m; c++) {
            row[c] = Math.log(row[c] + epsilon);
        }
    }

    @Override
    void accumulate(double[] dst, double[] row, int m, int rank) {
        for (int c = 0; c < m; c++) {
            dst[c] += row[c];
        }
    }

    @Override
    int topK() {
        return topK;
    }

    /** The term for the chosen PMI function. */
    static TopImageTerm termFor(DissectParams params) {
        return switch (params.function()) {
            case SOFT_WPMI -> new SoftWpmi(params);
            case WPMI -> new Wpmi(params);
            default -> throw new IllegalArgumentException(params.function() + " is not a PMI function");
        };
    }
}
