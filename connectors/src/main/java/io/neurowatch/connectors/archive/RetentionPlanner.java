package io.neurowatch.connectors.archive;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides, per layer, how many leading segments a {@link RetentionPolicy} drops. Pure computation over the
 * manifests; {@link StreamArchive} applies the result.
 *
 * <p>Stateless and thread-safe.
 */
final class RetentionPlanner {
    private RetentionPlanner() {
    }

    /** @return per layer, the number of leading segments to drop (layers with none are absent) */
    static Map<LayerKey, Integer> plan(Map<LayerKey, LayerManifest> layers, RetentionPolicy policy, long nowMillis) {
        Map<LayerKey, Integer> drop = new HashMap<>();
        if (policy.maxAge() != null) {
            long age = policy.maxAge().toMillis();
            long cutoff = nowMillis < Long.MIN_VALUE + age ? Long.MIN_VALUE : nowMillis - age;
            for (Map.Entry<LayerKey, LayerManifest> e : layers.entrySet()) {
                List<SegmentInfo> segs = e.getValue().segments();
                int k = 0;
                while (k < segs.size() && segs.get(k).maxTimestamp() < cutoff) {
                    k++;
                }
                if (k > 0) {
                    drop.put(e.getKey(), k);
                }
            }
        }
        if (policy.maxTotalBytes() > 0) {
            long total = 0;
            for (Map.Entry<LayerKey, LayerManifest> e : layers.entrySet()) {
                List<SegmentInfo> segs = e.getValue().segments();
                for (int i = drop.getOrDefault(e.getKey(), 0); i < segs.size(); i++) {
                    total += segs.get(i).bytes();
                }
            }
            Comparator<LayerKey> byName = Comparator.comparing(LayerKey::model).thenComparing(LayerKey::layer);
            while (total > policy.maxTotalBytes()) {
                LayerKey oldest = null;
                SegmentInfo oldestSeg = null;
                for (Map.Entry<LayerKey, LayerManifest> e : layers.entrySet()) {
                    List<SegmentInfo> segs = e.getValue().segments();
                    int next = drop.getOrDefault(e.getKey(), 0);
                    if (next >= segs.size()) {
                        continue;
                    }
                    SegmentInfo s = segs.get(next);
                    if (oldestSeg == null || s.maxTimestamp() < oldestSeg.maxTimestamp()
                            || (s.maxTimestamp() == oldestSeg.maxTimestamp() && byName.compare(e.getKey(), oldest) < 0)) {
                        oldest = e.getKey();
                        oldestSeg = s;
                    }
                }
                if (oldest == null) {
                    break;
                }
                drop.merge(oldest, 1, Integer::sum);
                total -= oldestSeg.bytes();
            }
        }
        return drop;
    }
}
