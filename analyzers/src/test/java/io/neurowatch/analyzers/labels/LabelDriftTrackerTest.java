package io.neurowatch.analyzers.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelDriftTrackerTest {
    private static NeuronLabel label(int neuron, String formula, double score) {
        return new NeuronLabel(new NeuronKey("m", "l", neuron), "invert", formula, formula, score, 0.01, 10, 100, 0,
                "ok");
    }

    @Test
    void reportsFirstLabelsThenOnlyChangedOnes() {
        LabelDriftTracker t = new LabelDriftTracker();
        List<LabelChange> first = t.update(List.of(label(0, "a", .9), label(1, "b", .8)));
        assertEquals(2, first.size());
        assertTrue(first.get(0).isFirst());
        List<LabelChange> second = t.update(List.of(label(0, "a", .91), label(1, "b & ~c", .85)));
        assertEquals(1, second.size());
        assertEquals("b", second.get(0).previous().label());
        assertEquals("b & ~c", second.get(0).current().label());
    }

    @Test
    void restoredLabelsAreNotDrift() {
        LabelDriftTracker t = new LabelDriftTracker();
        t.restore(label(3, "x", .7));
        assertTrue(t.update(List.of(label(3, "x", .75))).isEmpty());
        assertEquals("m/l/3", new NeuronKey("m", "l", 3).topicKey());
    }
}
