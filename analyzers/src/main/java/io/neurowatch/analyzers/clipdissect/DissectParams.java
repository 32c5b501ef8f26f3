package io.neurowatch.analyzers.clipdissect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters of one CLIP-Dissect run (spec clip-dissect.md §6). Immutable; the {@code with*} methods return modified
 * copies. Every field has a value whichever function is chosen; {@link #relevant()} lists those the function uses.
 *
 * @param function the similarity function
 * @param topK soft_wpmi / wpmi: images per unit (B_k)
 * @param a soft_wpmi / wpmi: softmax scale of the concept similarities
 * @param lambda soft_wpmi / wpmi: weight of the layer prior
 * @param epsilon soft_wpmi / wpmi: the reference's {@code min_prob}, added inside the logarithm
 * @param pStart soft_wpmi: weight of the top image
 * @param pEnd soft_wpmi: the weight that rank {@code top_k} would have (never reached)
 * @param minNorm cos_similarity_cubed: lower bound of a column norm
 * @param power rank_reorder: exponent p of the rank error
 * @param topFraction rank_reorder: share of the images used, n = ⌊N·top_fraction⌋
 * @param scaleP rank_reorder: exponent of the mean concept similarity that divides the error
 * @param permutations rank_reorder: random permutations averaged into the base error
 * @param seed rank_reorder: seed of the permutations (quirk C4: the reference's are unseeded)
 * @param referenceCompat reproduce the reference's float32 constants (soft_wpmi p_j and log K), its NaN labels for
 *     dead units (concept 0) and NaN scores of concepts with non-positive mean similarity (rank_reorder)
 * @throws IllegalArgumentException from the constructor, naming the parameter, if a value is out of range
 */
public record DissectParams(SimilarityFunction function, int topK, double a, double lambda, double epsilon,
                            double pStart, double pEnd, double minNorm, double power, double topFraction,
                            double scaleP, int permutations, long seed, boolean referenceCompat) {

    public DissectParams {
        if (function == null) {
            throw new IllegalArgumentException("function is required");
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top_k must be at least 1, got " + topK);
        }
        requireFinite("a", a);
        requireFinite("lambda", lambda);
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and >= 0, got " + epsilon);
        }
        // Keeps 1 + p_j·(p − 1) + ε ≥ 1 − p_j > 0 for every probability p.
        if (!(pStart >= 0 && pStart <= 1 && pEnd >= 0 && pEnd <= 1)) {
            throw new IllegalArgumentException("p_start and p_end must lie in [0, 1], got " + pStart + " and " + pEnd);
        }
        if (!(minNorm > 0) || Double.isInfinite(minNorm)) {
            throw new IllegalArgumentException("min_norm must be positive, got " + minNorm);
        }
        if (!(power > 0) || Double.isInfinite(power)) {
            throw new IllegalArgumentException("p (rank_reorder power) must be positive, got " + power);
        }
        if (!(topFraction > 0 && topFraction <= 1)) {
            throw new IllegalArgumentException("top_fraction must lie in (0, 1], got " + topFraction);
        }
        requireFinite("scale_p", scaleP);
        if (permutations < 1) {
            throw new IllegalArgumentException("permutations must be at least 1, got " + permutations);
        }
    }

    /** The spec's defaults for {@code function}. */
    public static DissectParams defaults(SimilarityFunction function) {
        boolean wpmi = function == SimilarityFunction.WPMI;
        return new DissectParams(function, wpmi ? 28 : 100, wpmi ? 2 : 10, wpmi ? 0.6 : 1, 1e-7, 0.998, 0.97, 1e-3,
                3, 0.05, 0.5, 5, 0, false);
    }

    public DissectParams withTopK(int k) {
        return new DissectParams(function, k, a, lambda, epsilon, pStart, pEnd, minNorm, power, topFraction, scaleP,
                permutations, seed, referenceCompat);
    }

    public DissectParams withA(double v) {
        return new DissectParams(function, topK, v, lambda, epsilon, pStart, pEnd, minNorm, power, topFraction, scaleP,
                permutations, seed, referenceCompat);
    }

    public DissectParams withLambda(double v) {
        return new DissectParams(function, topK, a, v, epsilon, pStart, pEnd, minNorm, power, topFraction, scaleP,
                permutations, seed, referenceCompat);
    }

    public DissectParams withTopFraction(double v) {
        return new DissectParams(function, topK, a, lambda, epsilon, pStart, pEnd, minNorm, power, v, scaleP,
                permutations, seed, referenceCompat);
    }

    public DissectParams withPermutationCount(int v) {
        return new DissectParams(function, topK, a, lambda, epsilon, pStart, pEnd, minNorm, power, topFraction, scaleP,
                v, seed, referenceCompat);
    }

    public DissectParams withSeed(long v) {
        return new DissectParams(function, topK, a, lambda, epsilon, pStart, pEnd, minNorm, power, topFraction, scaleP,
                permutations, v, referenceCompat);
    }

    public DissectParams withReferenceCompat(boolean on) {
        return new DissectParams(function, topK, a, lambda, epsilon, pStart, pEnd, minNorm, power, topFraction, scaleP,
                permutations, seed, on);
    }

    /**
     * How many top images per unit the function uses for N probe images: top_k for the PMI functions,
     * ⌊N·top_fraction⌋ for rank_reorder, 0 for the cosine functions.
     */
    public int topImages(long n) {
        return switch (function) {
            case SOFT_WPMI, WPMI -> topK;
            case RANK_REORDER -> (int) (n * topFraction);
            case COS_SIMILARITY, COS_SIMILARITY_CUBED -> 0;
        };
    }

    /** The parameters the function uses, in snake_case as the reference names them, for reports and JSON. */
    public Map<String, Object> relevant() {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (function) {
            case SOFT_WPMI -> {
                m.put("top_k", topK);
                m.put("a", a);
                m.put("lambda", lambda);
                m.put("epsilon", epsilon);
                m.put("p_start", pStart);
                m.put("p_end", pEnd);
            }
            case WPMI -> {
                m.put("top_k", topK);
                m.put("a", a);
                m.put("lambda", lambda);
                m.put("epsilon", epsilon);
            }
            case COS_SIMILARITY -> { }
            case COS_SIMILARITY_CUBED -> m.put("min_norm", minNorm);
            case RANK_REORDER -> {
                m.put("p", power);
                m.put("top_fraction", topFraction);
                m.put("scale_p", scaleP);
                m.put("permutations", permutations);
                m.put("seed", seed);
            }
        }
        m.put("reference_compat", referenceCompat);
        return m;
    }

    private static void requireFinite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, got " + v);
        }
    }
}
