package io.neurowatch.analyzers.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Remembers the last published label of every (neuron, method) and reports which labels changed in a new run.
 * A change is a different label string or status; score movements alone are not drift. Updates come from one
 * thread (the labeller); {@link #snapshot} may be called from any thread.
 */
public final class LabelDriftTracker {
    // Read by HTTP threads while the labeller updates it: a concurrent map, and snapshots are copies.
    private record Slot(NeuronKey neuron, String method) {
    }

    private final Map<Slot, NeuronLabel> last = new java.util.concurrent.ConcurrentHashMap<>();

    /** Seeds the tracker with labels published before a restart, so a restart does not look like drift. */
    public void restore(NeuronLabel label) {
        last.put(new Slot(label.neuron(), label.method()), label);
    }

    /** Whether a label of this (neuron, method) was published or restored. */
    public boolean knows(NeuronKey neuron, String method) {
        return last.containsKey(new Slot(neuron, method));
    }

    /** Records a run's labels and returns the changes, in input order. */
    public List<LabelChange> update(List<NeuronLabel> labels) {
        List<LabelChange> changes = new ArrayList<>();
        for (NeuronLabel l : labels) {
            NeuronLabel prev = last.put(new Slot(l.neuron(), l.method()), l);
            if (prev == null || !prev.label().equals(l.label()) || !prev.status().equals(l.status())) {
                changes.add(new LabelChange(prev, l));
            }
        }
        return changes;
    }

    /** A copy of the latest label of every (neuron, method); safe to call from any thread. */
    public List<NeuronLabel> snapshot() {
        return List.copyOf(last.values());
    }

    public int size() {
        return last.size();
    }
}
