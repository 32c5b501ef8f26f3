package io.neurowatch.connectors.archive;

import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.connectors.io.Hdf5ActivationSource;
import io.neurowatch.core.InMemoryActivations;
import io.neurowatch.core.LabelMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a {@link WindowSpec} against a layer's committed segments and opens the {@link ArchiveWindow}: picks the
 * segments (by row counts, or by the manifest's per-segment max timestamp, without opening older files), reads
 * their index datasets, cuts the row range (and, for time windows, the rows whose timestamp is in range, since
 * timestamps of interleaved partitions need not be ordered) and builds the label bitsets.
 *
 * <p>Stateless and thread-safe; blocks on reading the index datasets of the window's segments.
 */
final class WindowReader {
    private WindowReader() {
    }

    /**
     * @param conceptCount C, or {@link StreamArchive#CONCEPTS_FROM_LABELS} for one more than the largest concept index
     *     stored in the window's rows
     * @throws IllegalArgumentException if {@code conceptCount} is negative (and not the marker), a stored concept
     *     index is not below it, or the window has more rows than one column array holds
     * @throws FileFormatException if a segment does not match its manifest entry
     */
    static ArchiveWindow open(LayerKey key, Path dir, LayerManifest m, WindowSpec spec, int conceptCount,
                              SegmentPins pins) throws IOException {
        if (conceptCount < 0 && conceptCount != StreamArchive.CONCEPTS_FROM_LABELS) {
            throw new IllegalArgumentException(key + ": concept count " + conceptCount + " is negative");
        }
        List<SegmentInfo> all = m.segments();
        Long cutoff = cutoff(spec, all);
        int first = firstSegment(spec, all, cutoff);
        List<SegmentInfo> used = all.subList(first, all.size());
        if (used.isEmpty()) {
            return empty(key, dir, m.features(), Math.max(0, conceptCount));
        }
        List<Path> files = new ArrayList<>();
        for (SegmentInfo s : used) {
            files.add(s.file());
        }
        pins.pin(files);
        Hdf5ActivationSource store = null;
        try {
            List<SegmentIndex> idx = new ArrayList<>();
            long total = 0;
            for (SegmentInfo s : used) {
                SegmentIndex i = SegmentFiles.readIndex(s.file());
                if (i.rows() != s.rows()) {
                    throw new FileFormatException(s.file(), "holds " + i.rows() + " rows but the manifest of " + dir
                            + " says " + s.rows());
                }
                idx.add(i);
                total += i.rows();
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(key + ": the window spans " + total + " rows, more than one column"
                        + " array holds; narrow it (last N samples or a time window)");
            }
            long start;
            int[] keep = null;
            if (spec instanceof WindowSpec.LastSamples ls) {
                start = Math.max(0, total - ls.n());
            } else if (cutoff != null) {
                long[] ts = concat(idx, true, total);
                start = 0;
                while (start < total && ts[(int) start] < cutoff) {
                    start++;
                }
                keep = keepAtOrAfter(ts, (int) start, cutoff);
            } else {
                start = 0;
            }
            long rows = keep == null ? total - start : keep.length;
            if (rows == 0) {
                pins.unpin(files);
                return empty(key, dir, m.features(), Math.max(0, conceptCount));
            }
            if (rows > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(key + ": a window of " + rows + " rows is too large; narrow it");
            }
            Selection sel = select(key, idx, start, keep, (int) rows, conceptCount);
            store = Hdf5ActivationSource.open(dir, files, Hdf5ActivationSource.DEFAULT_DATASET);
            RowSelectionSource view = new RowSelectionSource(store, start, total, keep);
            return new ArchiveWindow(key, view, sel.labels, sel.ids, sel.ts, files, () -> pins.unpin(files));
        } catch (IOException | RuntimeException e) {
            if (store != null) {
                store.close();
            }
            pins.unpin(files);
            throw e;
        }
    }

    /** The timestamp cut of a time window, or null for a row-count window. */
    private static Long cutoff(WindowSpec spec, List<SegmentInfo> segs) {
        if (spec instanceof WindowSpec.Since s) {
            return s.epochMillis();
        }
        if (spec instanceof WindowSpec.LastDuration d) {
            long newest = Long.MIN_VALUE;
            for (SegmentInfo s : segs) {
                newest = Math.max(newest, s.maxTimestamp());
            }
            long span = d.duration().toMillis();
            return newest < Long.MIN_VALUE + span ? Long.MIN_VALUE : newest - span;
        }
        return null;
    }

    private static int firstSegment(WindowSpec spec, List<SegmentInfo> segs, Long cutoff) {
        if (spec instanceof WindowSpec.LastSamples ls) {
            int first = segs.size();
            long acc = 0;
            while (first > 0 && acc < ls.n()) {
                first--;
                acc += segs.get(first).rows();
            }
            return first;
        }
        if (cutoff != null) {
            for (int i = 0; i < segs.size(); i++) {
                if (segs.get(i).maxTimestamp() >= cutoff) {
                    return i;
                }
            }
            return segs.size();
        }
        return 0;
    }

    /** Offsets from {@code start} of the rows with {@code ts >= cutoff}, or null if that is every row. */
    private static int[] keepAtOrAfter(long[] ts, int start, long cutoff) {
        int n = 0;
        for (int i = start; i < ts.length; i++) {
            if (ts[i] >= cutoff) {
                n++;
            }
        }
        if (n == ts.length - start) {
            return null;
        }
        int[] keep = new int[n];
        int k = 0;
        for (int i = start; i < ts.length; i++) {
            if (ts[i] >= cutoff) {
                keep[k++] = i - start;
            }
        }
        return keep;
    }

    private static long[] concat(List<SegmentIndex> idx, boolean timestamps, long total) {
        long[] out = new long[(int) total];
        int k = 0;
        for (SegmentIndex i : idx) {
            long[] part = timestamps ? i.timestamps() : i.sampleIds();
            System.arraycopy(part, 0, out, k, part.length);
            k += part.length;
        }
        return out;
    }

    private record Selection(long[] ids, long[] ts, LabelMatrix labels) {
    }

    /** Sample ids, timestamps and labels of the selected rows, walking the segments once (twice to size C). */
    private static Selection select(LayerKey key, List<SegmentIndex> idx, long start, int[] keep, int rows,
                                    int conceptCount) {
        int c = conceptCount;
        if (c == StreamArchive.CONCEPTS_FROM_LABELS) {
            int[] max = {-1};
            walk(idx, start, keep, rows, (out, s, r) -> {
                for (long k = s.labelOffsets()[r]; k < s.labelOffsets()[r + 1]; k++) {
                    max[0] = Math.max(max[0], s.labelConcepts()[(int) k]);
                }
            });
            c = max[0] + 1;
        }
        int concepts = c;
        long[] ids = new long[rows];
        long[] ts = new long[rows];
        LabelMatrix.Builder labels = LabelMatrix.builder(rows, concepts);
        walk(idx, start, keep, rows, (out, s, r) -> {
            ids[out] = s.sampleIds()[r];
            ts[out] = s.timestamps()[r];
            for (long k = s.labelOffsets()[r]; k < s.labelOffsets()[r + 1]; k++) {
                int concept = s.labelConcepts()[(int) k];
                if (concept >= concepts) {
                    throw new IllegalArgumentException(key + ": " + s.file() + " row " + r + " (sample id "
                            + ids[out] + ") has concept index " + concept + " but the window was opened for "
                            + concepts + " concepts");
                }
                labels.set(out, concept);
            }
        });
        return new Selection(ids, ts, labels.build());
    }

    /** One selected row: its index in the window, its segment and its row there. */
    private interface RowVisitor {
        void visit(int out, SegmentIndex segment, int row);
    }

    /** Visits the selected rows in window order: row {@code out} is global row {@code start + keep[out]}. */
    private static void walk(List<SegmentIndex> idx, long start, int[] keep, int rows, RowVisitor visitor) {
        int seg = 0;
        long segBase = 0;
        for (int out = 0; out < rows; out++) {
            long g = start + (keep == null ? out : keep[out]);
            while (g >= segBase + idx.get(seg).rows()) {
                segBase += idx.get(seg).rows();
                seg++;
            }
            visitor.visit(out, idx.get(seg), (int) (g - segBase));
        }
    }

    private static ArchiveWindow empty(LayerKey key, Path dir, int features, int conceptCount) {
        return new ArchiveWindow(key, InMemoryActivations.wrap(0, features, new double[0], dir + " (empty window)"),
                LabelMatrix.builder(0, conceptCount).build(), new long[0], new long[0], List.of(), () -> {
                });
    }
}
