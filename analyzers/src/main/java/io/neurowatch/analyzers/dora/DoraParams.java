package io.neurowatch.analyzers.dora;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameters of DORA's data-free analysis (spec dora.md §3.5–3.6, §6). Immutable; the {@code with*} methods return
 * modified copies.
 *
 * @param mode layer-wise (default) or pair-wise EA distance
 * @param nNeighbors LOF {@code n_neighbors} before clamping to k − 1 (default 20)
 * @param contamination LOF contamination (default 0.01, as in the published notebook; sklearn's own default is auto)
 * @param nanToZero replace undefined pair-wise distances by 0 as the reference does (quirk D8); off by default, when
 *     the neurons involved are reported and left out of LOF instead
 * @param excludeDead leave neurons with an all-zero response profile out of LOF (default); the reference keeps them
 * @throws IllegalArgumentException if a value is missing or out of range
 */
public record DoraParams(DistanceMode mode, int nNeighbors, Contamination contamination, boolean nanToZero,
                         boolean excludeDead) {

    public static final double DEFAULT_CONTAMINATION = 0.01;

    public DoraParams {
        if (mode == null || contamination == null) {
            throw new IllegalArgumentException("mode and contamination are required");
        }
        if (nNeighbors < 1) {
            throw new IllegalArgumentException("n_neighbors must be at least 1, got " + nNeighbors);
        }
    }

    /** Layer-wise, n_neighbors 20, contamination 0.01, dead neurons excluded, NaN kept. */
    public static DoraParams defaults() {
        return new DoraParams(DistanceMode.LAYER_WISE, LocalOutlierFactor.DEFAULT_N_NEIGHBORS,
                Contamination.of(DEFAULT_CONTAMINATION), false, true);
    }

    /** The reference's handling of degenerate neurons: NaN → 0 and dead neurons scored like any other. */
    public DoraParams withReferenceNanHandling() {
        return new DoraParams(mode, nNeighbors, contamination, true, false);
    }

    public DoraParams withMode(DistanceMode m) {
        return new DoraParams(m, nNeighbors, contamination, nanToZero, excludeDead);
    }

    public DoraParams withNNeighbors(int n) {
        return new DoraParams(mode, n, contamination, nanToZero, excludeDead);
    }

    public DoraParams withContamination(Contamination c) {
        return new DoraParams(mode, nNeighbors, c, nanToZero, excludeDead);
    }

    public DoraParams withNanToZero(boolean on) {
        return new DoraParams(mode, nNeighbors, contamination, on, excludeDead);
    }

    public DoraParams withExcludeDead(boolean on) {
        return new DoraParams(mode, nNeighbors, contamination, nanToZero, on);
    }

    /** The parameters by their JSON names, in a stable order ({@code contamination} is "auto" or a number). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("distance", mode.wireName());
        m.put("n_neighbors", nNeighbors);
        m.put("contamination", contamination.isAuto() ? "auto" : contamination.fraction());
        m.put("nan_to_zero", nanToZero);
        m.put("exclude_dead", excludeDead);
        m.put("norm_eps", EaDistance.NORM_EPS);
        return m;
    }
}
