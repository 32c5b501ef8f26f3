package io.neurowatch.connectors.io;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.WritableDataset;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes one HDF5 activation file: dataset {@code Y}, float32 [n, D], with the attributes of
 * {@link Hdf5WriteOptions}. Rows are collected by {@link #append} and the file is written by {@link #close()}:
 * jhdf 0.13.0 cannot extend a dataset and writes nothing before close, so the whole file is built at once. It is
 * written to a hidden temporary sibling and renamed into place, replacing any previous file atomically; readers see
 * the old file or the complete new one, never a partial one.
 *
 * <p>Because jhdf encodes a dataset into one buffer, a file holds at most 2 GiB of data (n x D x 4 bytes); larger
 * archives belong in a segment directory ({@link Hdf5SegmentWriter}).
 *
 * <p>Not thread-safe. {@link #append} throws {@link IllegalArgumentException} for a batch whose D differs from the
 * first one (or from {@code feature_shape}), {@link #close()} throws {@link IOException} if the file cannot be written
 * and {@link IllegalStateException} if no row was appended (jhdf cannot write an empty dataset). Call
 * {@link #abort()} instead of closing to discard the rows.
 */
public final class Hdf5ActivationWriter implements AutoCloseable {
    /** The largest dataset jhdf 0.13.0 writes: it encodes the data into one byte buffer. */
    public static final long MAX_BYTES = Integer.MAX_VALUE;

    private final Path target;
    private final Hdf5WriteOptions options;
    private final List<float[]> rows = new ArrayList<>();
    private int features = -1;
    private boolean finished;

    private Hdf5ActivationWriter(Path target, Hdf5WriteOptions options) {
        this.target = target;
        this.options = options;
    }

    /** A writer with {@link Hdf5WriteOptions#defaults()}. Nothing is created until {@link #close()}. */
    public static Hdf5ActivationWriter create(Path target) {
        return create(target, Hdf5WriteOptions.defaults());
    }

    public static Hdf5ActivationWriter create(Path target, Hdf5WriteOptions options) {
        return new Hdf5ActivationWriter(target, options);
    }

    /**
     * Appends a batch of rows (each one flattened sample). The rows are copied.
     *
     * @throws IllegalArgumentException if the rows have different lengths or their length differs from D
     */
    public void append(float[][] batch) {
        checkOpen();
        if (batch.length == 0) {
            return;
        }
        int d = batch[0].length;
        for (int i = 1; i < batch.length; i++) {
            if (batch[i].length != d) {
                throw new IllegalArgumentException("batch row " + i + " has " + batch[i].length
                        + " values but row 0 has " + d + " (writing " + target + ")");
            }
        }
        admit(batch.length, d);
        for (float[] r : batch) {
            rows.add(r.clone());
        }
    }

    /**
     * Appends {@code n} rows of {@code cols} values given row-major. The values are copied.
     *
     * @throws IllegalArgumentException if {@code rowMajor.length != n * cols} or {@code cols} differs from D
     */
    public void append(int n, int cols, float[] rowMajor) {
        checkOpen();
        if (n < 0 || cols < 0 || (long) n * cols != rowMajor.length) {
            throw new IllegalArgumentException("batch [" + n + ", " + cols + "] needs " + ((long) n * cols)
                    + " values but " + rowMajor.length + " were given (writing " + target + ")");
        }
        if (n == 0) {
            return;
        }
        admit(n, cols);
        for (int i = 0; i < n; i++) {
            rows.add(Arrays.copyOfRange(rowMajor, i * cols, (i + 1) * cols));
        }
    }

    private void admit(int n, int d) {
        if (d == 0) {
            throw new IllegalArgumentException("rows with 0 features cannot be stored (writing " + target + ")");
        }
        if (features < 0) {
            checkFeatureShape(options, d, target);
            features = d;
        } else if (d != features) {
            throw new IllegalArgumentException("batch has D = " + d + " features per row but " + target
                    + " has D = " + features + "; D cannot change within a store");
        }
        if ((rows.size() + (long) n) * features * Float.BYTES > MAX_BYTES) {
            throw new IllegalArgumentException("appending " + n + " rows would make " + target + " larger than"
                    + " 2 GiB, the most jhdf 0.13.0 can write in one dataset; use Hdf5SegmentWriter");
        }
    }

    static void checkFeatureShape(Hdf5WriteOptions options, int d, Path target) {
        int[] fs = options.featureShape();
        if (fs == null) {
            return;
        }
        long product = 1;
        for (int v : fs) {
            product *= v;
        }
        if (product != d) {
            throw new IllegalArgumentException("feature_shape " + Arrays.toString(fs) + " has " + product
                    + " elements but the rows have D = " + d + " (writing " + target + ")");
        }
    }

    /** Rows appended so far. */
    public long rows() {
        return rows.size();
    }

    /** D, or -1 before the first non-empty append. */
    public int features() {
        return features;
    }

    public Path target() {
        return target;
    }

    /** Discards the appended rows without writing anything. Idempotent. */
    public void abort() {
        finished = true;
        rows.clear();
    }

    /**
     * Writes the file and renames it into place. Idempotent; does nothing after {@link #abort()}.
     *
     * @throws IllegalStateException if no row was appended
     * @throws IOException if writing fails (the target is then left as it was)
     */
    @Override
    public void close() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (rows.isEmpty()) {
            throw new IllegalStateException("no rows were appended, so nothing was written to " + target
                    + " (jhdf cannot write an empty dataset)");
        }
        float[][] data = rows.toArray(new float[0][]);
        rows.clear();
        writeFile(target, data, options, true);
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("writer for " + target + " is already closed");
        }
    }

    /**
     * Writes {@code data} as dataset Y of a new file at {@code target} via a temporary sibling.
     *
     * @param replace whether an existing target is replaced; if false it is an error
     */
    static void writeFile(Path target, float[][] data, Hdf5WriteOptions o, boolean replace) throws IOException {
        writeFile(target, data, o, replace, Map.of(), Map.of());
    }

    /**
     * Writes a new segment file: dataset {@code Y} = {@code rows} as {@link #close()} writes it, plus further
     * datasets and root-group attributes, via a temporary sibling that is forced to disk and linked into place.
     * Used by the stream archive, whose segments carry sample ids, timestamps and labels beside {@code Y}.
     * Blocks on the disk; thread-safe as long as no two calls write the same target.
     *
     * @param extraDatasets name → non-empty primitive array (e.g. {@code long[]}, {@code int[]}); jhdf cannot
     *     write an empty dataset, so callers must pad empty ones
     * @param rootAttributes name → attribute value (String, Long, Integer, primitive array)
     * @throws java.nio.file.FileAlreadyExistsException if {@code target} exists (it is never replaced)
     * @throws IllegalArgumentException if {@code rows} is empty or ragged, or an extra dataset is empty or named
     *     {@code Y}
     * @throws IOException if writing fails; nothing is left at {@code target} then
     */
    public static void writeSegment(Path target, float[][] rows, Hdf5WriteOptions options,
                                    Map<String, ?> extraDatasets, Map<String, ?> rootAttributes) throws IOException {
        if (rows.length == 0) {
            throw new IllegalArgumentException("no rows to write to " + target + " (jhdf cannot write an empty"
                    + " dataset)");
        }
        for (int i = 1; i < rows.length; i++) {
            if (rows[i].length != rows[0].length) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values but row 0 has "
                        + rows[0].length + " (writing " + target + ")");
            }
        }
        if ((long) rows.length * rows[0].length * Float.BYTES > MAX_BYTES) {
            throw new IllegalArgumentException(rows.length + " rows of D = " + rows[0].length + " exceed the 2 GiB"
                    + " jhdf can write in one dataset (writing " + target + ")");
        }
        checkFeatureShape(options, rows[0].length, target);
        for (Map.Entry<String, ?> e : extraDatasets.entrySet()) {
            Object v = e.getValue();
            if (e.getKey().equals(Hdf5ActivationSource.DEFAULT_DATASET) || v == null || !v.getClass().isArray()
                    || java.lang.reflect.Array.getLength(v) == 0) {
                throw new IllegalArgumentException("extra dataset '" + e.getKey() + "' must be a non-empty array"
                        + " not named " + Hdf5ActivationSource.DEFAULT_DATASET + " (writing " + target + ")");
            }
        }
        writeFile(target, rows, options, false, extraDatasets, rootAttributes);
    }

    private static void writeFile(Path target, float[][] data, Hdf5WriteOptions o, boolean replace,
                                  Map<String, ?> extraDatasets, Map<String, ?> rootAttributes) throws IOException {
        Path temp = AtomicFiles.tempSibling(target);
        try {
            if (o.chunkRows() == 0) {
                writeContiguous(temp, data, o, extraDatasets, rootAttributes);
            } else {
                writeChunked(temp, data, o, extraDatasets, rootAttributes);
            }
            AtomicFiles.publish(temp, target, replace);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The attributes of {@code Y}: those of the options that are set. */
    private static Map<String, Object> yAttributes(Hdf5WriteOptions o) {
        Map<String, Object> a = new java.util.LinkedHashMap<>();
        if (o.featureShape() != null) {
            a.put("feature_shape", o.featureShape());
        }
        if (o.layer() != null) {
            a.put("layer", o.layer());
        }
        if (o.modelId() != null) {
            a.put("model_id", o.modelId());
        }
        return a;
    }

    /** Contiguous and unfiltered: one sequential pass, without jhdf's encoding copies. */
    private static void writeContiguous(Path file, float[][] data, Hdf5WriteOptions o, Map<String, ?> extraDatasets,
                                        Map<String, ?> rootAttributes) throws IOException {
        List<ContiguousHdf5Writer.Dataset> datasets = new ArrayList<>();
        datasets.add(new ContiguousHdf5Writer.Dataset(Hdf5ActivationSource.DEFAULT_DATASET, data, yAttributes(o)));
        extraDatasets.forEach((k, v) -> datasets.add(new ContiguousHdf5Writer.Dataset(k, v, Map.of())));
        ContiguousHdf5Writer.write(file, datasets, rootAttributes);
    }

    /** Chunked, with the options' shuffle and deflate, through jhdf. */
    private static void writeChunked(Path file, float[][] data, Hdf5WriteOptions o, Map<String, ?> extraDatasets,
                                     Map<String, ?> rootAttributes) throws IOException {
        try (WritableHdfFile w = HdfFile.write(file)) {
            DatasetCreationOptions.Builder b = DatasetCreationOptions.builder()
                    .chunkDimensions(Math.min(o.chunkRows(), data.length), Math.min(o.chunkCols(), data[0].length));
            if (o.shuffle()) {
                b.shuffle();
            }
            if (o.deflateLevel() > 0) {
                b.deflate(o.deflateLevel());
            }
            WritableDataset ds = w.putDataset(Hdf5ActivationSource.DEFAULT_DATASET, data, b.build());
            yAttributes(o).forEach(ds::putAttribute);
            for (Map.Entry<String, ?> e : extraDatasets.entrySet()) {
                w.putDataset(e.getKey(), e.getValue());
            }
            for (Map.Entry<String, ?> e : rootAttributes.entrySet()) {
                w.putAttribute(e.getKey(), e.getValue());
            }
        } catch (HdfException e) {
            throw new IOException(file + ": writing HDF5 failed: " + e.getMessage(), e);
        }
    }
}
