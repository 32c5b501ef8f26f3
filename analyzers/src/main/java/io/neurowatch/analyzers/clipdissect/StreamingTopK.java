package io.neurowatch.analyzers.clipdissect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * What streaming CLIP-Dissect needs of a layer: per neuron a bounded heap of its top-k samples, and for every
 * sample in any heap its activation row and its concept-similarity row (reference-counted, dropped when the last
 * heap lets go of it).
 *
 * <h2>Exactness</h2>
 * soft_wpmi and wpmi read only each neuron's top-k images, and the layer prior only those sets. A heap keeps the
 * highest activations, ties to the earliest arrival — the order a batch run's top-k uses (activation descending,
 * ties by lowest index). {@link #snapshot()} lists the retained samples in arrival order; any retained sample
 * outside neuron k's heap has an activation on k below k's heap minimum, or equal to it but arrived later. So a
 * batch {@link ClipDissector} run over the snapshot selects exactly the heaps, and its descriptions equal a batch
 * run over every sample seen.
 *
 * <h2>Memory</h2>
 * At most {@code features · topK} distinct samples are retained, each {@code features + concepts} floats; in
 * practice far fewer, since neurons share top samples.
 *
 * <p>Not thread-safe: one writer owns it; {@link #snapshot()} hands an immutable copy to other threads.
 */
public final class StreamingTopK {
    private static final int FORMAT = 1;

    private final int topK;
    private final int features;
    private final int concepts;
    private final List<PriorityQueue<Entry>> heaps;
    private final Map<Long, Sample> samples = new HashMap<>();
    private long arrivals;
    private long seen;

    /** Heap order: the entry to evict first (lowest activation; among equals, the latest arrival) on top. */
    private static final Comparator<Entry> WORST_FIRST = Comparator.comparingDouble(Entry::activation)
            .thenComparing(Comparator.comparingLong(Entry::arrival).reversed());

    private record Entry(float activation, long arrival, long sampleId) {
    }

    private static final class Sample {
        final long arrival;
        final float[] activations;
        final float[] similarities;
        int refs;

        Sample(long arrival, float[] activations, float[] similarities) {
            this.arrival = arrival;
            this.activations = activations;
            this.similarities = similarities;
        }
    }

    /**
     * @param topK heap size per neuron: the similarity function's top_k (100 for soft_wpmi)
     * @param features neurons of the layer
     * @param concepts columns of the similarity rows
     */
    public StreamingTopK(int topK, int features, int concepts) {
        if (topK < 1 || features < 1 || concepts < 1) {
            throw new IllegalArgumentException("topK, features and concepts must be positive: " + topK + ", "
                    + features + ", " + concepts);
        }
        this.topK = topK;
        this.features = features;
        this.concepts = concepts;
        this.heaps = new ArrayList<>(features);
        for (int k = 0; k < features; k++) {
            heaps.add(new PriorityQueue<>(topK + 1, WORST_FIRST));
        }
    }

    public int topK() {
        return topK;
    }

    public int features() {
        return features;
    }

    public int concepts() {
        return concepts;
    }

    /** Samples offered so far. */
    public long seen() {
        return seen;
    }

    /** Distinct samples currently retained. */
    public int retained() {
        return samples.size();
    }

    /**
     * Offers a batch. NaN activations never enter a heap.
     *
     * @param activations row-major [ids.length, features]
     * @param similarities row-major [ids.length, concepts]
     * @throws IllegalArgumentException if the widths disagree with this layer's (naming both)
     */
    public void offer(long[] ids, float[] activations, float[] similarities) {
        int n = ids.length;
        if (activations.length != n * features || similarities.length != n * concepts) {
            throw new IllegalArgumentException("batch of " + n + " samples has " + activations.length
                    + " activations and " + similarities.length + " similarities; this layer expects " + features
                    + " neurons and " + concepts + " concepts per sample");
        }
        for (int i = 0; i < n; i++) {
            long arrival = arrivals++;
            seen++;
            Sample s = null;
            int base = i * features;
            for (int k = 0; k < features; k++) {
                float a = activations[base + k];
                if (Float.isNaN(a)) {
                    continue;
                }
                PriorityQueue<Entry> heap = heaps.get(k);
                // A later arrival with an equal activation never displaces: ties keep the earliest sample.
                if (heap.size() == topK && !(a > heap.peek().activation())) {
                    continue;
                }
                if (s == null) {
                    s = samples.get(ids[i]);
                    if (s == null) {
                        s = new Sample(arrival, Arrays.copyOfRange(activations, base, base + features),
                                Arrays.copyOfRange(similarities, i * concepts, (i + 1) * concepts));
                        samples.put(ids[i], s);
                    }
                }
                heap.add(new Entry(a, s.arrival, ids[i]));
                s.refs++;
                if (heap.size() > topK) {
                    release(heap.poll().sampleId());
                }
            }
        }
    }

    private void release(long sampleId) {
        Sample s = samples.get(sampleId);
        if (--s.refs == 0) {
            samples.remove(sampleId);
        }
    }

    /**
     * The retained samples in arrival order, as inputs for a batch {@link ClipDissector} run.
     *
     * @param sampleIds retained sample ids, arrival order
     * @param units activations per neuron, {@code units[k][i]} for sample i
     * @param similarities row-major [sampleIds.length, concepts]
     */
    public record Snapshot(long[] sampleIds, double[][] units, float[] similarities, int concepts, long seen) {
        public ConceptSimilarity similarity() {
            return DenseConceptSimilarity.of(sampleIds.length, concepts, similarities, "streaming top-k");
        }
    }

    public Snapshot snapshot() {
        List<Map.Entry<Long, Sample>> order = new ArrayList<>(samples.entrySet());
        order.sort(Comparator.comparingLong(e -> e.getValue().arrival));
        int n = order.size();
        long[] ids = new long[n];
        double[][] units = new double[features][n];
        float[] sims = new float[n * concepts];
        for (int i = 0; i < n; i++) {
            Sample s = order.get(i).getValue();
            ids[i] = order.get(i).getKey();
            for (int k = 0; k < features; k++) {
                units[k][i] = s.activations[k];
            }
            System.arraycopy(s.similarities, 0, sims, i * concepts, concepts);
        }
        return new Snapshot(ids, units, sims, concepts, seen);
    }

    /** Serialises the whole state (heaps, retained rows, counters); see {@link #read}. */
    public void write(DataOutput out) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(topK);
        out.writeInt(features);
        out.writeInt(concepts);
        out.writeLong(arrivals);
        out.writeLong(seen);
        out.writeInt(samples.size());
        for (Map.Entry<Long, Sample> e : samples.entrySet()) {
            Sample s = e.getValue();
            out.writeLong(e.getKey());
            out.writeLong(s.arrival);
            for (float v : s.activations) {
                out.writeFloat(v);
            }
            for (float v : s.similarities) {
                out.writeFloat(v);
            }
        }
        for (PriorityQueue<Entry> heap : heaps) {
            out.writeInt(heap.size());
            for (Entry en : heap) {
                out.writeFloat(en.activation());
                out.writeLong(en.arrival());
                out.writeLong(en.sampleId());
            }
        }
    }

    /**
     * Reads {@link #write} output.
     *
     * @param what names the source in errors (a file path)
     * @throws IOException naming {@code what} if the data is not a top-k state or is inconsistent
     */
    public static StreamingTopK read(DataInput in, String what) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException(what + ": top-k state format " + format + ", expected " + FORMAT);
        }
        StreamingTopK t;
        try {
            t = new StreamingTopK(in.readInt(), in.readInt(), in.readInt());
        } catch (IllegalArgumentException e) {
            throw new IOException(what + ": " + e.getMessage(), e);
        }
        t.arrivals = in.readLong();
        t.seen = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long id = in.readLong();
            long arrival = in.readLong();
            float[] a = new float[t.features];
            for (int k = 0; k < a.length; k++) {
                a[k] = in.readFloat();
            }
            float[] p = new float[t.concepts];
            for (int m = 0; m < p.length; m++) {
                p[m] = in.readFloat();
            }
            t.samples.put(id, new Sample(arrival, a, p));
        }
        for (PriorityQueue<Entry> heap : t.heaps) {
            int size = in.readInt();
            for (int j = 0; j < size; j++) {
                Entry e = new Entry(in.readFloat(), in.readLong(), in.readLong());
                Sample s = t.samples.get(e.sampleId());
                if (s == null) {
                    throw new IOException(what + ": heap entry for sample " + e.sampleId() + " without its row");
                }
                s.refs++;
                heap.add(e);
            }
        }
        return t;
    }
}
