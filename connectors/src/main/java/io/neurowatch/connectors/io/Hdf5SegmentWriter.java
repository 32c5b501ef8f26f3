package io.neurowatch.connectors.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Appends rows to a segment directory (the stream form of the HDF5 store, read by {@link Hdf5ActivationSource}).
 * Rows are buffered; every {@code rowsPerSegment} rows, on {@link #flush()} and on {@link #close()} the buffer becomes
 * one immutable segment file {@code seg-NNNNNN.h5} (next sequence number, 6 digits zero-padded) and
 * {@code manifest.json} is rewritten atomically to list it. Both the segment and the manifest appear by rename,
 * so a concurrent reader sees whole segments only; a crash between the two leaves an unlisted segment that readers
 * with the manifest ignore and whose number is never reused.
 *
 * <p>Not thread-safe, and one writer per directory: {@link #open} takes an exclusive lock on {@code .lock} in the
 * directory (released by {@link #close()}). {@link #append} throws {@link IllegalArgumentException} for a changed D.
 * I/O failures are {@link IOException}s; existing segments that do not match are {@link FileFormatException}s.
 */
public final class Hdf5SegmentWriter implements AutoCloseable {
    static final String LOCK_FILE = ".lock";
    /** Default segment size in bytes: large enough to amortise per-file costs, far below jhdf's 2 GiB limit. */
    private static final long DEFAULT_SEGMENT_BYTES = 256L << 20;

    private final Path dir;
    private final Hdf5WriteOptions options;
    private final int requestedRowsPerSegment;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<SegmentManifest.Entry> entries;
    /** Top-level manifest keys of other writers (the stream archive's), kept on every rewrite. */
    private final com.fasterxml.jackson.databind.node.ObjectNode manifestExtra;
    private long nextSequence;
    private long committedRows;
    private int features;
    private int rowsPerSegment;
    private final List<float[]> buffer = new ArrayList<>();
    private boolean closed;

    private Hdf5SegmentWriter(Path dir, Hdf5WriteOptions options, int rowsPerSegment, FileChannel lockChannel,
                              FileLock lock, List<SegmentManifest.Entry> entries,
                              com.fasterxml.jackson.databind.node.ObjectNode manifestExtra, long nextSequence,
                              long committedRows, int features) {
        this.dir = dir;
        this.options = options;
        this.requestedRowsPerSegment = rowsPerSegment;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.entries = entries;
        this.manifestExtra = manifestExtra;
        this.nextSequence = nextSequence;
        this.committedRows = committedRows;
        this.features = features;
    }

    /** Opens with {@link Hdf5WriteOptions#defaults()} and segments of about 256 MiB. */
    public static Hdf5SegmentWriter open(Path directory) throws IOException {
        return open(directory, Hdf5WriteOptions.defaults(), 0);
    }

    /**
     * Opens (creating if needed) a segment directory for appending after its existing segments.
     *
     * @param rowsPerSegment rows per segment file; 0 for about 256 MiB per segment
     * @throws IOException if another writer holds the directory, or the existing segments are invalid
     */
    public static Hdf5SegmentWriter open(Path directory, Hdf5WriteOptions options, int rowsPerSegment)
            throws IOException {
        if (rowsPerSegment < 0) {
            throw new IllegalArgumentException("rowsPerSegment " + rowsPerSegment + " is negative");
        }
        Files.createDirectories(directory);
        FileChannel ch = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException(directory + ": another writer is appending to this segment directory");
            }
            SegmentManifest manifest = SegmentManifest.read(directory);
            List<SegmentManifest.Entry> entries = new ArrayList<>();
            boolean hasSegments = manifest != null ? !manifest.segments().isEmpty()
                    : !SegmentManifest.scan(directory).isEmpty();
            long rows = 0;
            int features = manifest != null ? manifest.features() : 0;
            if (hasSegments) {
                // Validates D, types and manifest row counts of what is already there.
                try (Hdf5ActivationSource existing = Hdf5ActivationSource.open(directory)) {
                    features = existing.features();
                    rows = existing.rows();
                    if (manifest != null) {
                        entries.addAll(manifest.segments());
                    } else {
                        List<Path> files = existing.files();
                        for (Path f : files) {
                            try (Hdf5ActivationSource one = Hdf5ActivationSource.open(f)) {
                                entries.add(new SegmentManifest.Entry(f.getFileName().toString(), one.rows()));
                            }
                        }
                    }
                }
            }
            long next = nextSequence(directory, entries);
            return new Hdf5SegmentWriter(directory, options, rowsPerSegment, ch, lock, entries,
                    manifest != null ? manifest.extra() : null, next, rows, features);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** One past the largest number among listed and present segment files, so no name is ever reused. */
    private static long nextSequence(Path dir, List<SegmentManifest.Entry> entries) throws IOException {
        BigInteger max = BigInteger.valueOf(-1);
        List<String> names = new ArrayList<>();
        for (SegmentManifest.Entry e : entries) {
            names.add(e.file());
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (SegmentManifest.isSegmentName(p.getFileName().toString())) {
                    names.add(p.getFileName().toString());
                }
            }
        }
        for (String n : names) {
            BigInteger s = SegmentManifest.sequenceNumber(n);
            if (s != null && s.compareTo(max) > 0) {
                max = s;
            }
        }
        return max.add(BigInteger.ONE).longValueExact();
    }

    private int resolveRowsPerSegment(int d) {
        long maxRows = Hdf5ActivationWriter.MAX_BYTES / ((long) d * Float.BYTES);
        if (maxRows < 1) {
            throw new IllegalArgumentException("a row of D = " + d + " floats exceeds jhdf's 2 GiB limit");
        }
        if (requestedRowsPerSegment == 0) {
            return (int) Math.max(1, Math.min(maxRows, DEFAULT_SEGMENT_BYTES / ((long) d * Float.BYTES)));
        }
        if (requestedRowsPerSegment > maxRows) {
            throw new IllegalArgumentException(requestedRowsPerSegment + " rows of D = " + d + " exceed the 2 GiB"
                    + " jhdf can write per segment; use at most " + maxRows + " rows per segment");
        }
        return requestedRowsPerSegment;
    }

    /**
     * Appends rows (copied); full segments are written as they fill.
     *
     * @throws IllegalArgumentException if rows differ in length or from D
     * @throws IOException if writing a completed segment fails
     */
    public void append(float[][] batch) throws IOException {
        checkOpen();
        if (batch.length == 0) {
            return;
        }
        int d = batch[0].length;
        for (int i = 1; i < batch.length; i++) {
            if (batch[i].length != d) {
                throw new IllegalArgumentException("batch row " + i + " has " + batch[i].length
                        + " values but row 0 has " + d + " (appending to " + dir + ")");
            }
        }
        admit(d);
        for (float[] r : batch) {
            buffer.add(r.clone());
            if (buffer.size() >= rowsPerSegment) {
                flush();
            }
        }
    }

    /**
     * Appends {@code n} rows of {@code cols} values given row-major (copied).
     *
     * @throws IllegalArgumentException if {@code rowMajor.length != n * cols} or {@code cols} differs from D
     * @throws IOException if writing a completed segment fails
     */
    public void append(int n, int cols, float[] rowMajor) throws IOException {
        checkOpen();
        if (n < 0 || cols < 0 || (long) n * cols != rowMajor.length) {
            throw new IllegalArgumentException("batch [" + n + ", " + cols + "] needs " + ((long) n * cols)
                    + " values but " + rowMajor.length + " were given (appending to " + dir + ")");
        }
        if (n == 0) {
            return;
        }
        admit(cols);
        for (int i = 0; i < n; i++) {
            buffer.add(Arrays.copyOfRange(rowMajor, i * cols, (i + 1) * cols));
            if (buffer.size() >= rowsPerSegment) {
                flush();
            }
        }
    }

    private void admit(int d) {
        if (d == 0) {
            throw new IllegalArgumentException("rows with 0 features cannot be stored (appending to " + dir + ")");
        }
        if (features > 0 && d != features) {
            throw new IllegalArgumentException("batch has D = " + d + " features per row but the segments in "
                    + dir + " have D = " + features + "; D cannot change within a store");
        }
        if (rowsPerSegment == 0) {
            // First rows of this writer: D is now known, so the options can be checked against it.
            Hdf5ActivationWriter.checkFeatureShape(options, d, dir);
            rowsPerSegment = resolveRowsPerSegment(d);
            features = d;
        }
    }

    /**
     * Writes the buffered rows as a new segment and lists it in the manifest.
     *
     * @return the new segment file, or null if nothing was buffered
     */
    public Path flush() throws IOException {
        checkOpen();
        if (buffer.isEmpty()) {
            return null;
        }
        String name = String.format("seg-%06d.h5", nextSequence);
        Path file = dir.resolve(name);
        float[][] data = buffer.toArray(new float[0][]);
        try {
            Hdf5ActivationWriter.writeFile(file, data, options, false);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " already exists; another process wrote to " + dir, e);
        }
        nextSequence++;
        List<SegmentManifest.Entry> updated = new ArrayList<>(entries);
        updated.add(new SegmentManifest.Entry(name, data.length));
        new SegmentManifest(updated, features, manifestExtra).write(dir);
        entries.add(updated.get(updated.size() - 1));
        committedRows += data.length;
        buffer.clear();
        return file;
    }

    /** Rows in written segments plus buffered rows. */
    public long rows() {
        return committedRows + buffer.size();
    }

    /** D, or -1 while unknown (empty directory and nothing appended). */
    public int features() {
        return features > 0 ? features : -1;
    }

    /** The segment files listed in the manifest, in order. */
    public List<Path> segments() {
        List<Path> out = new ArrayList<>();
        for (SegmentManifest.Entry e : entries) {
            out.add(dir.resolve(e.file()));
        }
        return Collections.unmodifiableList(out);
    }

    /** Flushes the buffered rows as a last segment and releases the directory lock. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("segment writer for " + dir + " is closed");
        }
    }
}
