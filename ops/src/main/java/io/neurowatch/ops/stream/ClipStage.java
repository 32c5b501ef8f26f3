package io.neurowatch.ops.stream;

import io.neurowatch.analyzers.clipdissect.StreamingTopK;
import io.neurowatch.core.state.SourceOffset;
import io.neurowatch.core.state.SourcePartition;
import io.neurowatch.core.wire.ActivationBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streaming CLIP-Dissect of one task's layers: per layer a top-k heap per neuron over the batches that carry concept
 * similarity rows, checkpointed (with the offsets it covers) at each label run and at commit points. A record below
 * the checkpoint's offsets is never offered again, so each reaches the heaps exactly once across restarts and moves.
 *
 * <p>Not thread-safe (the task's thread); label runs read {@link #snapshots}.
 */
final class ClipStage {
    private static final Logger LOG = LoggerFactory.getLogger(ClipStage.class);

    private final ClipSettings settings;
    private final Path file;
    private final ClipCheckpoint state;
    private Map<SourcePartition, Long> durable;

    private ClipStage(ClipSettings settings, Path file, ClipCheckpoint state) {
        this.settings = settings;
        this.file = file;
        this.state = state;
        this.durable = Map.copyOf(state.next());
    }

    /** @throws IOException naming the file if the checkpoint is unreadable */
    static ClipStage open(Path file, ClipSettings settings) throws IOException {
        ClipCheckpoint c = ClipCheckpoint.read(file);
        return new ClipStage(settings, file, c == null ? ClipCheckpoint.empty() : c);
    }

    /** A record's similarity rows enter its layer's heaps, once; a record without rows only advances the offsets. */
    void apply(ActivationBatch b, SourceOffset pos) {
        if (pos.offset() < state.next().getOrDefault(pos.sourcePartition(), 0L)) {
            return;
        }
        state.next().merge(pos.sourcePartition(), pos.offset() + 1, Math::max);
        if (b == null || b.similarityWidth() == 0) {
            return;
        }
        StreamingTopK heaps = state.layers().computeIfAbsent(b.key(),
                k -> new StreamingTopK(settings.params().topK(), b.features(), b.similarityWidth()));
        try {
            heaps.offer(b.sampleIds(), b.activations(), b.similarities());
        } catch (IllegalArgumentException e) {
            // Widths changed for a known layer: the activations are archived, the similarity rows cannot be used.
            LOG.warn("{}: similarity rows skipped: {}", pos, e.getMessage());
        }
    }

    /** Snapshots of every layer's heaps, for a label run on another thread. */
    Map<String, StreamingTopK.Snapshot> snapshots() {
        Map<String, StreamingTopK.Snapshot> out = new LinkedHashMap<>();
        state.layers().forEach((k, v) -> out.put(k, v.snapshot()));
        return out;
    }

    /** Writes the checkpoint if anything was offered since the last one. */
    void checkpoint() throws IOException {
        if (!state.next().equals(durable)) {
            state.write(file);
            durable = Map.copyOf(state.next());
        }
    }

    /** Per partition, the first offset not in the written checkpoint. */
    Map<SourcePartition, Long> durableOffsets() {
        return durable;
    }
}
