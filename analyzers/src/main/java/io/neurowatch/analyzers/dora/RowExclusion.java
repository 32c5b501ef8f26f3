package io.neurowatch.analyzers.dora;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Chooses the neurons that LOF cannot or should not score: dead neurons (when asked) and, while undefined distances
 * remain among the others, the neuron with the most of them (ties: the lowest index). Greedy removal keeps a healthy
 * neuron whose only undefined distances are to dead ones. Stateless and thread-safe.
 */
final class RowExclusion {
    private RowExclusion() {
    }

    /** The excluded rows, ascending. */
    static int[] excluded(EaDistances d, boolean excludeDead) {
        int k = d.size();
        TreeSet<Integer> out = new TreeSet<>();
        if (excludeDead) {
            for (int r : d.deadRows()) {
                out.add(r);
            }
        }
        List<IndexPair> open = new ArrayList<>();
        for (IndexPair p : d.nanPairs()) {
            // NaN→0 already made these distances defined.
            if (!d.nanToZero()) {
                open.add(p);
            }
        }
        while (true) {
            int[] count = new int[k];
            boolean any = false;
            for (IndexPair p : open) {
                if (!out.contains(p.first()) && !out.contains(p.second())) {
                    count[p.first()]++;
                    count[p.second()]++;
                    any = true;
                }
            }
            if (!any) {
                break;
            }
            int worst = 0;
            for (int i = 1; i < k; i++) {
                if (count[i] > count[worst]) {
                    worst = i;
                }
            }
            out.add(worst);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
