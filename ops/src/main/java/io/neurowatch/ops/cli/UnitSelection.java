package io.neurowatch.ops.cli;

import java.util.TreeSet;

/** Parses {@code --units} lists such as {@code 0,5,7} or {@code 0-99,200}. */
final class UnitSelection {
    private UnitSelection() {
    }

    /**
     * @return ascending distinct unit indices, or all of {@code [0, features)} when {@code spec} is null
     * @throws IllegalArgumentException naming the bad item
     */
    static int[] parse(String spec, int features) {
        if (spec == null || spec.isBlank()) {
            return io.neurowatch.analyzers.invert.InvertExplainer.allFeatures(features);
        }
        TreeSet<Integer> units = new TreeSet<>();
        for (String item : spec.split(",")) {
            String t = item.trim();
            try {
                int dash = t.indexOf('-', 1);
                int lo = Integer.parseInt(dash < 0 ? t : t.substring(0, dash));
                int hi = dash < 0 ? lo : Integer.parseInt(t.substring(dash + 1));
                if (lo < 0 || hi < lo || hi >= features) {
                    throw new IllegalArgumentException("--units item '" + t + "' is outside [0, " + features + ")");
                }
                for (int u = lo; u <= hi; u++) {
                    units.add(u);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--units item '" + t + "' is not a number or a range a-b");
            }
        }
        return units.stream().mapToInt(Integer::intValue).toArray();
    }
}
