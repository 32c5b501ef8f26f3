package io.neurowatch.analyzers.clipdissect;

import java.util.SplittableRandom;

/**
 * The random permutations of rank_reorder's base error (spec §3.3 step 3). The reference draws them unseeded
 * (quirk C4); {@link #seeded} makes them reproducible, and {@link #fixed} replays recorded ones (e.g. the fixture's
 * {@code rank_reorder_perms.npy}) to reproduce a reference run exactly. Implementations must be thread-safe and
 * return the same permutation for the same arguments.
 */
@FunctionalInterface
public interface PermutationSource {

    /**
     * A permutation of 0 … n − 1.
     *
     * @param unit the unit's feature index
     * @param repetition 0 … permutations − 1
     * @param n the number of top images
     * @throws IllegalArgumentException if no permutation of that size is available for the unit
     */
    int[] permutation(int unit, int repetition, int n);

    /**
     * Fisher–Yates shuffles from a generator seeded by (seed, unit, repetition), so a unit's permutations do not
     * depend on which other units are scored or on thread scheduling.
     */
    static PermutationSource seeded(long seed) {
        return (unit, repetition, n) -> {
            long mixed = seed * 0x9E3779B97F4A7C15L + unit * 0xBF58476D1CE4E5B9L + repetition * 0x94D049BB133111EBL;
            SplittableRandom rng = new SplittableRandom(mixed);
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            return perm;
        };
    }

    /**
     * Replays recorded permutations, row-major [units, repetitions, n] as numpy stores an int64 array.
     *
     * @throws IllegalArgumentException if the length does not match or an entry is not a permutation (naming the
     *     unit and repetition)
     */
    static PermutationSource fixed(long[] data, int units, int repetitions, int n) {
        if ((long) units * repetitions * n != data.length) {
            throw new IllegalArgumentException("permutations: " + data.length + " values do not fill [" + units
                    + ", " + repetitions + ", " + n + "]");
        }
        int[][][] perms = new int[units][repetitions][n];
        for (int u = 0; u < units; u++) {
            for (int r = 0; r < repetitions; r++) {
                boolean[] seen = new boolean[n];
                for (int i = 0; i < n; i++) {
                    long v = data[(u * repetitions + r) * n + i];
                    if (v < 0 || v >= n || seen[(int) v]) {
                        throw new IllegalArgumentException("permutations: unit " + u + ", repetition " + r
                                + " is not a permutation of 0.." + (n - 1) + " (value " + v + " at " + i + ")");
                    }
                    seen[(int) v] = true;
                    perms[u][r][i] = (int) v;
                }
            }
        }
        return (unit, repetition, size) -> {
            if (unit < 0 || unit >= units || repetition < 0 || repetition >= repetitions || size != n) {
                throw new IllegalArgumentException("recorded permutations are [" + units + ", " + repetitions + ", "
                        + n + "]; no permutation of " + size + " for unit " + unit + ", repetition " + repetition);
            }
            return perms[unit][repetition].clone();
        };
    }
}
