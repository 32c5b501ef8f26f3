package io.neurowatch.connectors.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.connectors.io.SegmentManifest;
import io.neurowatch.core.state.SourcePartition;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A layer directory's {@code manifest.json}, read as the archive sees it. The archive keeps its bookkeeping in the
 * same file as the store's segment list, as extra keys that {@link SegmentManifest} carries through: one atomic
 * rename then commits a segment together with the offsets it covers, which a sidecar file could not. Keys:
 * <ul>
 *   <li>per segment entry, beside {@code file} and {@code rows}: {@code min_timestamp}, {@code max_timestamp}
 *       (epoch ms), {@code bytes}, {@code offsets} ([{topic, partition, first, last}]);</li>
 *   <li>top level, beside {@code version}, {@code features} and {@code segments}: {@code archive_version} (1),
 *       {@code model}, {@code layer}, {@code next_sequence} (segment numbers are never reused, even after retention
 *       removed every file) and {@code next_offsets} ([{topic, partition, next}]: one past the highest record
 *       offset whose rows for this layer are in a flushed segment, kept when retention drops the segment).</li>
 * </ul>
 *
 * <p>Immutable.
 */
final class LayerManifest {
    static final int ARCHIVE_VERSION = 1;

    private final LayerKey key;
    private final int features;
    private final List<SegmentInfo> segments;
    private final Map<SourcePartition, Long> nextOffsets;
    private final long nextSequence;

    LayerManifest(LayerKey key, int features, List<SegmentInfo> segments, Map<SourcePartition, Long> nextOffsets,
                  long nextSequence) {
        this.key = key;
        this.features = features;
        this.segments = List.copyOf(segments);
        Map<SourcePartition, Long> copy = new TreeMap<>(OffsetJson.PARTITION_ORDER);
        copy.putAll(nextOffsets);
        this.nextOffsets = java.util.Collections.unmodifiableMap(copy);
        this.nextSequence = nextSequence;
    }

    static LayerManifest empty(LayerKey key) {
        return new LayerManifest(key, 0, List.of(), Map.of(), 0);
    }

    LayerKey key() {
        return key;
    }

    /** D, or 0 while unknown. */
    int features() {
        return features;
    }

    List<SegmentInfo> segments() {
        return segments;
    }

    Map<SourcePartition, Long> nextOffsets() {
        return nextOffsets;
    }

    long nextSequence() {
        return nextSequence;
    }

    long rows() {
        long n = 0;
        for (SegmentInfo s : segments) {
            n += s.rows();
        }
        return n;
    }

    long bytes() {
        long n = 0;
        for (SegmentInfo s : segments) {
            n += s.bytes();
        }
        return n;
    }

    LayerManifest withFeatures(int d) {
        return new LayerManifest(key, d, segments, nextOffsets, nextSequence);
    }

    /** This manifest plus a segment at the end, with the layer's next offsets advanced past its ranges. */
    LayerManifest withAppended(SegmentInfo s) {
        List<SegmentInfo> segs = new ArrayList<>(segments);
        segs.add(s);
        Map<SourcePartition, Long> next = new TreeMap<>(OffsetJson.PARTITION_ORDER);
        next.putAll(nextOffsets);
        for (OffsetRange r : s.offsets()) {
            next.merge(r.partition(), r.last() + 1, Math::max);
        }
        return new LayerManifest(key, features, segs, next, Math.max(nextSequence, s.sequence() + 1));
    }

    /** This manifest without its first {@code count} segments; next offsets and sequence are kept. */
    LayerManifest withoutFirst(int count) {
        return new LayerManifest(key, features, segments.subList(count, segments.size()), nextOffsets, nextSequence);
    }

    LayerManifest withNextSequenceAtLeast(long n) {
        return new LayerManifest(key, features, segments, nextOffsets, Math.max(n, nextSequence));
    }

    /**
     * The manifest of a layer directory, or null if it has none.
     *
     * @throws FileFormatException if it is malformed, lacks the archive keys, or belongs to another model/layer
     */
    static LayerManifest read(Path dir, LayerKey key) throws IOException {
        SegmentManifest m = SegmentManifest.read(dir);
        if (m == null) {
            return null;
        }
        Path file = dir.resolve(SegmentManifest.FILE_NAME);
        ObjectNode top = m.extra();
        JsonNode version = top.get("archive_version");
        if (version == null || !version.isInt() || version.intValue() != ARCHIVE_VERSION) {
            throw new FileFormatException(file, "\"archive_version\" is " + version + ", expected "
                    + ARCHIVE_VERSION + "; this directory was not written by the stream archive");
        }
        JsonNode model = top.get("model");
        JsonNode layer = top.get("layer");
        if (model == null || !model.isTextual() || layer == null || !layer.isTextual()
                || !model.textValue().equals(key.model()) || !layer.textValue().equals(key.layer())) {
            throw new FileFormatException(file, "belongs to model " + model + " layer " + layer + " but lies in the"
                    + " directory of " + key + "; directories must not be renamed");
        }
        long nextSeq = OffsetJson.longField(file, "manifest", top, "next_sequence");
        Map<SourcePartition, Long> next = OffsetJson.parseNextOffsets(file, "\"next_offsets\"",
                top.get("next_offsets"));
        List<SegmentInfo> segs = new ArrayList<>();
        for (SegmentManifest.Entry e : m.segments()) {
            ObjectNode x = e.extra();
            String where = "segment " + e.file();
            BigInteger seq = SegmentManifest.sequenceNumber(e.file());
            if (seq == null || seq.bitLength() > 62 || e.rows() < 1 || e.rows() > Integer.MAX_VALUE) {
                throw new FileFormatException(file, where + ": an archive segment needs a numbered name and 1 to "
                        + Integer.MAX_VALUE + " rows; found " + e.rows() + " rows");
            }
            JsonNode minTs = x.get("min_timestamp");
            JsonNode maxTs = x.get("max_timestamp");
            if (minTs == null || !minTs.isIntegralNumber() || maxTs == null || !maxTs.isIntegralNumber()) {
                throw new FileFormatException(file, where + " lacks integer \"min_timestamp\"/\"max_timestamp\";"
                        + " it was not listed by the stream archive");
            }
            long bytes = OffsetJson.longField(file, where, x, "bytes");
            List<OffsetRange> ranges = OffsetJson.parseRanges(file, where + " \"offsets\"", x.get("offsets"));
            segs.add(new SegmentInfo(dir.resolve(e.file()), seq.longValue(), (int) e.rows(), minTs.longValue(),
                    maxTs.longValue(), ranges, bytes));
        }
        return new LayerManifest(key, m.features(), segs, next, nextSeq);
    }

    /** Replaces the directory's manifest atomically (temp file + rename). */
    void write(Path dir) throws IOException {
        List<SegmentManifest.Entry> entries = new ArrayList<>();
        for (SegmentInfo s : segments) {
            ObjectNode x = OffsetJson.JSON.createObjectNode();
            x.put("min_timestamp", s.minTimestamp()).put("max_timestamp", s.maxTimestamp()).put("bytes", s.bytes());
            x.set("offsets", OffsetJson.ranges(s.offsets()));
            entries.add(new SegmentManifest.Entry(s.file().getFileName().toString(), s.rows(), x));
        }
        ObjectNode top = OffsetJson.JSON.createObjectNode();
        top.put("archive_version", ARCHIVE_VERSION).put("model", key.model()).put("layer", key.layer())
                .put("next_sequence", nextSequence);
        top.set("next_offsets", OffsetJson.nextOffsets(nextOffsets));
        new SegmentManifest(entries, features, top).write(dir);
    }
}
