package io.neurowatch.analyzers.dora;

import java.util.ArrayList;
import java.util.List;

/**
 * One s-AMS to generate: signal {@code sample} of the neuron at {@code position} of the neuron list, maximising
 * ('+') or minimising ('−') it. Tasks are listed neuron-major, as the reference does (dora.md §3.1).
 */
public record SamsTask(int position, int neuron, int sample, char sign) {
    /** The reference's file stem {@code {neuron}_{sample}{sign}}. */
    public String name() {
        return neuron + "_" + sample + sign;
    }

    static List<SamsTask> all(SamsConfig c) {
        List<SamsTask> out = new ArrayList<>();
        for (int p = 0; p < c.neurons().size(); p++) {
            for (int s = 0; s < c.samples(); s++) {
                for (char sign : c.signs()) {
                    out.add(new SamsTask(p, c.neurons().get(p), s, sign));
                }
            }
        }
        return out;
    }
}
