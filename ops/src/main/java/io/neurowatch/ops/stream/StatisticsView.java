package io.neurowatch.ops.stream;

import io.neurowatch.core.state.NeuronSketch;
import io.neurowatch.core.state.StatisticsStore;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What the dashboard reads of the statistics: one store, or every store of the tasks this instance runs now (each
 * layer lives in exactly one). Reads are safe from any thread; a store that closes meanwhile reads as empty.
 */
public interface StatisticsView {
    List<String> models();

    List<String> layers(String model);

    List<Integer> neurons(String model, String layer);

    long count(String model, String layer, int neuron);

    NeuronSketch sketch(String model, String layer, int neuron);

    /** One store as a view. */
    static StatisticsView of(StatisticsStore store) {
        return over(() -> store == null ? List.of() : List.of(store));
    }

    /** The stores {@code stores} supplies at each call, each answering for its own layers. */
    static StatisticsView over(Supplier<List<StatisticsStore>> stores) {
        return new StatisticsView() {
            @Override
            public List<String> models() {
                TreeSet<String> out = new TreeSet<>();
                for (StatisticsStore s : open()) {
                    out.addAll(s.models());
                }
                return new ArrayList<>(out);
            }

            @Override
            public List<String> layers(String model) {
                TreeSet<String> out = new TreeSet<>();
                for (StatisticsStore s : open()) {
                    out.addAll(s.layers(model));
                }
                return new ArrayList<>(out);
            }

            @Override
            public List<Integer> neurons(String model, String layer) {
                StatisticsStore s = owner(model, layer);
                return s == null ? List.of() : s.neurons(model, layer);
            }

            @Override
            public long count(String model, String layer, int neuron) {
                StatisticsStore s = owner(model, layer);
                return s == null ? 0 : s.count(model, layer, neuron);
            }

            @Override
            public NeuronSketch sketch(String model, String layer, int neuron) {
                StatisticsStore s = owner(model, layer);
                return s == null ? null : s.sketch(model, layer, neuron);
            }

            private StatisticsStore owner(String model, String layer) {
                for (StatisticsStore s : open()) {
                    if (s.layers(model).contains(layer)) {
                        return s;
                    }
                }
                return null;
            }

            private List<StatisticsStore> open() {
                List<StatisticsStore> out = new ArrayList<>();
                for (StatisticsStore s : stores.get()) {
                    try {
                        s.models();
                        out.add(s);
                    } catch (IllegalStateException closed) {
                        // closed while we looked: its task moved or stopped
                    }
                }
                return out;
            }
        };
    }
}
