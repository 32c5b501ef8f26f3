package io.neurowatch.connectors.archive;

import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.connectors.io.SegmentManifest;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one layer directory to a state where the manifest lists every segment and every archived row once.
 * <ul>
 *   <li>Hidden {@code .*.tmp} files are unfinished writes: deleted.</li>
 *   <li>Every listed segment must exist and match its entry (rows, D); otherwise opening fails, because the
 *       archive itself never produces that and guessing would lose or duplicate data.</li>
 *   <li>An unlisted segment is <b>adopted</b> when it is what a crash between the segment rename and the manifest
 *       rewrite leaves: numbered at or after {@code next_sequence}, readable, same model/layer and D, every offset
 *       range starting at or after the layer's {@code next_offsets}, and no sample id already listed. Adoption
 *       advances {@code next_offsets}, so the replayed records are skipped for this layer.</li>
 *   <li>Any other readable unlisted segment holds rows that are listed elsewhere or were dropped by retention (a
 *       crash between the manifest rewrite and the file deletion): <b>deleted</b>.</li>
 *   <li>An unlisted file that cannot be read as a segment is renamed to {@code <name>.rejected} and reported.</li>
 * </ul>
 * Finally the sample ids of all listed segments are checked for duplicates, which are reported.
 *
 * <p>Stateless and thread-safe; blocks on reading every segment's index datasets (not {@code Y}).
 */
final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final int MAX_EXAMPLES = 10;

    /** The outcome for one layer directory. */
    record Result(LayerManifest manifest, List<Path> adopted, List<Path> deleted, List<Path> quarantined,
                  DuplicateSampleIds duplicates) {
    }

    private Reconciler() {
    }

    /**
     * @throws FileFormatException if the manifest is invalid or a listed segment is missing or does not match
     */
    static Result reconcile(Path dir, LayerKey key) throws IOException {
        LayerManifest m = LayerManifest.read(dir, key);
        if (m == null) {
            m = LayerManifest.empty(key);
        }
        List<Path> unlisted = new ArrayList<>();
        Set<String> listed = new LinkedHashSet<>();
        for (SegmentInfo s : m.segments()) {
            listed.add(s.file().getFileName().toString());
        }
        long maxPresent = -1;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // an unfinished write (temp file never renamed)
                } else if (SegmentManifest.isSegmentName(name) && Files.isRegularFile(p) && !listed.contains(name)) {
                    unlisted.add(p);
                }
                BigInteger seq = SegmentManifest.isSegmentName(name) ? SegmentManifest.sequenceNumber(name) : null;
                if (seq != null && seq.bitLength() < 63) {
                    maxPresent = Math.max(maxPresent, seq.longValue());
                }
            }
        }

        List<long[]> idsBySegment = new ArrayList<>();
        List<Path> segmentFiles = new ArrayList<>();
        int features = m.features();
        for (SegmentInfo s : m.segments()) {
            SegmentIndex idx;
            try {
                idx = SegmentFiles.readIndex(s.file());
            } catch (NoSuchFileException e) {
                throw new FileFormatException(s.file(), "listed in " + dir.resolve(SegmentManifest.FILE_NAME)
                        + " but missing", e);
            }
            if (idx.rows() != s.rows() || (features > 0 && idx.features() != features)) {
                throw new FileFormatException(s.file(), "holds [" + idx.rows() + ", " + idx.features() + "] but "
                        + dir.resolve(SegmentManifest.FILE_NAME) + " says " + s.rows() + " rows of D = " + features);
            }
            features = idx.features();
            idsBySegment.add(idx.sampleIds());
            segmentFiles.add(s.file());
        }
        if (features > 0 && m.features() == 0) {
            m = m.withFeatures(features);
        }

        unlisted.sort(Comparator.comparing((Path p) -> sequenceOrMax(p)).thenComparing(Path::toString));
        List<Path> adopted = new ArrayList<>();
        List<Path> deleted = new ArrayList<>();
        List<Path> quarantined = new ArrayList<>();
        long[] sortedIds = sortedConcat(idsBySegment);
        for (Path f : unlisted) {
            SegmentIndex idx;
            try {
                idx = SegmentFiles.readIndex(f);
            } catch (FileFormatException e) {
                Path aside = quarantine(f);
                LOG.warn("{}: not a readable archive segment, moved to {}: {}", f, aside.getFileName(), e.getMessage());
                quarantined.add(aside);
                continue;
            }
            String reason = whyNotAdoptable(m, key, f, idx, sortedIds);
            if (reason == null) {
                SegmentInfo info = new SegmentInfo(f, sequenceOrMax(f).longValue(), idx.rows(), idx.minTimestamp(),
                        idx.maxTimestamp(), idx.offsets(), Files.size(f));
                m = m.withFeatures(idx.features()).withAppended(info);
                idsBySegment.add(idx.sampleIds());
                segmentFiles.add(f);
                sortedIds = sortedConcat(idsBySegment);
                adopted.add(f);
                LOG.warn("{}: adopted unlisted segment {} ({} rows, offsets {})", key, f.getFileName(), idx.rows(),
                        idx.offsets());
            } else {
                Files.delete(f);
                deleted.add(f);
                LOG.warn("{}: deleted unlisted segment {}: {}", key, f.getFileName(), reason);
            }
        }
        if (!adopted.isEmpty()) {
            m.write(dir);
        }
        m = m.withNextSequenceAtLeast(maxPresent + 1);
        DuplicateSampleIds dups = duplicates(key, sortedIds, idsBySegment, segmentFiles);
        if (dups != null) {
            LOG.warn("{}: {} sample ids occur more than once, e.g. {} in {}", key, dups.duplicatedIds(),
                    dups.examples(), dups.files());
        }
        return new Result(m, adopted, deleted, quarantined, dups);
    }

    /** Null if the unlisted segment continues the layer exactly; otherwise why it must go. */
    private static String whyNotAdoptable(LayerManifest m, LayerKey key, Path f, SegmentIndex idx, long[] sortedIds) {
        BigInteger seq = SegmentManifest.sequenceNumber(f.getFileName().toString());
        if (seq == null || seq.bitLength() > 62 || seq.longValue() < m.nextSequence()) {
            return "numbered below next_sequence " + m.nextSequence() + " (left over from retention or a failed"
                    + " manifest write)";
        }
        if ((idx.model() != null && !idx.model().equals(key.model()))
                || (idx.layer() != null && !idx.layer().equals(key.layer()))) {
            return "belongs to model '" + idx.model() + "' layer '" + idx.layer() + "'";
        }
        if (m.features() > 0 && idx.features() != m.features()) {
            return "has D = " + idx.features() + " but the layer has D = " + m.features();
        }
        if (idx.offsets().isEmpty()) {
            return "records no source offsets";
        }
        for (OffsetRange r : idx.offsets()) {
            long next = m.nextOffsets().getOrDefault(r.partition(), 0L);
            if (r.first() < next) {
                return "covers " + r + " but the layer already holds " + r.partition() + " up to offset "
                        + (next - 1);
            }
        }
        for (long id : idx.sampleIds()) {
            if (Arrays.binarySearch(sortedIds, id) >= 0) {
                return "sample id " + id + " is already archived";
            }
        }
        return null;
    }

    private static BigInteger sequenceOrMax(Path p) {
        BigInteger s = SegmentManifest.sequenceNumber(p.getFileName().toString());
        return s == null ? BigInteger.valueOf(Long.MAX_VALUE) : s;
    }

    private static Path quarantine(Path f) throws IOException {
        Path aside = f.resolveSibling(f.getFileName() + ".rejected");
        for (int i = 1; Files.exists(aside); i++) {
            aside = f.resolveSibling(f.getFileName() + ".rejected." + i);
        }
        Files.move(f, aside);
        return aside;
    }

    private static long[] sortedConcat(List<long[]> parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] all = new long[n];
        int k = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, k, p.length);
            k += p.length;
        }
        Arrays.sort(all);
        return all;
    }

    private static DuplicateSampleIds duplicates(LayerKey key, long[] sorted, List<long[]> idsBySegment,
                                                 List<Path> files) {
        long count = 0;
        List<Long> examples = new ArrayList<>();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1] && (i == 1 || sorted[i - 1] != sorted[i - 2])) {
                count++;
                if (examples.size() < MAX_EXAMPLES) {
                    examples.add(sorted[i]);
                }
            }
        }
        if (count == 0) {
            return null;
        }
        Set<Path> where = new LinkedHashSet<>();
        long[] ex = examples.stream().mapToLong(Long::longValue).toArray();
        for (int s = 0; s < idsBySegment.size(); s++) {
            for (long id : idsBySegment.get(s)) {
                if (Arrays.binarySearch(ex, id) >= 0) {
                    where.add(files.get(s));
                    break;
                }
            }
        }
        return new DuplicateSampleIds(key, count, examples, new ArrayList<>(where));
    }
}
