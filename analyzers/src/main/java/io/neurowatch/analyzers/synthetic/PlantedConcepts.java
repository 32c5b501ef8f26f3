package io.neurowatch.analyzers.synthetic;

import io.neurowatch.core.ActivationSource;
import io.neurowatch.core.ConceptSet;
import io.neurowatch.core.InMemoryActivations;
import io.neurowatch.core.LabelMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated labelled dataset whose units respond to known concept formulas, for the demo, tests and benchmarks.
 *
 * <p>Concepts are independent with prevalences in [5%, 30%]. Unit d responds to a planted formula, cycling through
 * the shapes {@code c}, {@code a & ~b}, {@code a | b} and pure noise: activation = N(0, 1) + {@code strength} where
 * the formula holds. Deterministic for a seed.
 *
 * @param activations [N, D] float32 activations
 * @param labels the [N, C] concept labels
 * @param concepts concept ids {@code concept0 …} or the names given
 * @param planted per unit, the planted formula in canonical form, or {@code "noise"}
 */
public record PlantedConcepts(ActivationSource activations, LabelMatrix labels, ConceptSet concepts,
                              List<String> planted) {

    /** Readable concept names used by the demo. */
    private static final String[] NAMES = {"striped", "dotted", "red", "green", "blue", "round", "square", "furry",
        "metallic", "wooden", "sky", "water", "grass", "text", "face", "wheel", "leaf", "snow", "night", "indoor"};

    /**
     * @param rows N samples
     * @param conceptCount C concepts (named after {@link #NAMES} while they last, then {@code conceptK})
     * @param units D units
     * @param strength activation shift where the planted formula holds (2.5 gives AUROCs around 0.95)
     */
    public static PlantedConcepts generate(long seed, int rows, int conceptCount, int units, double strength) {
        if (conceptCount < 2) {
            throw new IllegalArgumentException("need at least 2 concepts, got " + conceptCount);
        }
        Random rnd = new Random(seed);
        List<String> ids = new ArrayList<>();
        for (int c = 0; c < conceptCount; c++) {
            ids.add(c < NAMES.length ? NAMES[c] : "concept" + c);
        }
        ConceptSet concepts = ConceptSet.of(ids.stream().map(io.neurowatch.core.Concept::of).toList());
        boolean[][] has = new boolean[rows][conceptCount];
        LabelMatrix.Builder lb = LabelMatrix.builder(rows, conceptCount);
        for (int c = 0; c < conceptCount; c++) {
            double prevalence = 0.05 + 0.25 * rnd.nextDouble();
            for (int i = 0; i < rows; i++) {
                if (rnd.nextDouble() < prevalence) {
                    has[i][c] = true;
                    lb.set(i, c);
                }
            }
        }
        float[] act = new float[rows * units];
        List<String> planted = new ArrayList<>();
        for (int d = 0; d < units; d++) {
            int a = rnd.nextInt(conceptCount);
            int b = (a + 1 + rnd.nextInt(conceptCount - 1)) % conceptCount;
            int shape = d % 4;
            planted.add(switch (shape) {
                case 0 -> ids.get(a);
                case 1 -> ids.get(a) + " & ~" + ids.get(b);
                case 2 -> sortedOr(ids.get(a), ids.get(b));
                default -> "noise";
            });
            for (int i = 0; i < rows; i++) {
                boolean on = switch (shape) {
                    case 0 -> has[i][a];
                    case 1 -> has[i][a] && !has[i][b];
                    case 2 -> has[i][a] || has[i][b];
                    default -> false;
                };
                act[i * units + d] = (float) (rnd.nextGaussian() + (on ? strength : 0.0));
            }
        }
        return new PlantedConcepts(InMemoryActivations.ofFloats(rows, units, act, "generated"), lb.build(), concepts,
                List.copyOf(planted));
    }

    /** {@code a | b} in canonical (sympy) order for two symbols: by name, code point order. */
    private static String sortedOr(String a, String b) {
        return a.compareTo(b) <= 0 ? a + " | " + b : b + " | " + a;
    }
}
