package io.neurowatch.connectors.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FloatingPoint;
import io.neurowatch.core.ActivationSource;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HDF5 activation store: dataset {@code Y} of shape [N, D] (one flattened activation row per sample) in either
 * one HDF5 file or a directory of segment files, each [n_s, D]. Reads everything h5py writes (contiguous, chunked,
 * gzip/shuffle/lzf, resizable {@code maxshape=(None, D)}).
 *
 * <p>Segment order: {@code manifest.json} in the directory if present (format: {@code {"version": 1,
 * "features": D, "segments": [{"file": "seg-000000.h5", "rows": n}, ...]}}, rows are checked against the files),
 * otherwise the number in the file names ({@code *.h5}/{@code *.hdf5}, hidden files ignored). Global row i is the
 * cumulative offset over the segments in that order.
 *
 * <p>Type: float32 is the store format. float64 is also accepted: it is read exactly (no widening needed) and
 * {@link #float32()} is false; all segments must have the same type. {@link #readColumns} reads only the requested
 * column block (jhdf sliced reads, in row blocks aligned to the chunk rows), so the I/O per call is the chunks that
 * overlap the block.
 *
 * <p>Optional attributes of the dataset (or, failing that, of the file's root group): {@code feature_shape}
 * (integer array whose product must be D), {@code layer}, {@code model_id} (strings).
 *
 * <p>Not thread-safe: one reader per source. Holds up to {@value #MAX_OPEN} segment files open; {@link #close()}
 * closes them. Problems with the files (dataset missing, not 2-D, wrong type, D differs between segments, rows differ
 * from the manifest, no segments) are {@link FileFormatException}s naming the file and dataset.
 */
public final class Hdf5ActivationSource implements ActivationSource {
    /** The dataset name of the store format. */
    public static final String DEFAULT_DATASET = "Y";
    /** Enough for any block pass over typical segment counts without exhausting file descriptors. */
    private static final int MAX_OPEN = 16;
    /** Values per sliced read: 4M floats = 16 MiB of transient buffers. */
    private static final long BLOCK_ELEMENTS = 1 << 22;

    private record Segment(Path file, long rows, long offset) {
    }

    private record OpenSegment(HdfFile hdf, Dataset dataset) {
    }

    private final Path path;
    private final String dataset;
    private final List<Segment> segments;
    private final long rows;
    private final int features;
    private final boolean float32;
    private final int[] featureShape;
    private final String layer;
    private final String modelId;
    private final LinkedHashMap<Path, OpenSegment> open = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    private Hdf5ActivationSource(Path path, String dataset, List<Segment> segments, long rows, int features,
                                 boolean float32, int[] featureShape, String layer, String modelId) {
        this.path = path;
        this.dataset = dataset;
        this.segments = segments;
        this.rows = rows;
        this.features = features;
        this.float32 = float32;
        this.featureShape = featureShape;
        this.layer = layer;
        this.modelId = modelId;
    }

    /** Opens dataset {@value #DEFAULT_DATASET} of a file or segment directory. */
    public static Hdf5ActivationSource open(Path path) throws IOException {
        return open(path, DEFAULT_DATASET);
    }

    /**
     * Opens and validates a file or a segment directory.
     *
     * @param path an HDF5 file or a directory of segment files
     * @param dataset the dataset path inside each file
     * @throws NoSuchFileException if {@code path} does not exist
     * @throws FileFormatException for any content problem, naming the file and dataset
     * @throws IOException if a file cannot be read
     */
    public static Hdf5ActivationSource open(Path path, String dataset) throws IOException {
        List<Path> files;
        SegmentManifest manifest = null;
        if (Files.isDirectory(path)) {
            manifest = SegmentManifest.read(path);
            files = new ArrayList<>();
            if (manifest != null) {
                for (SegmentManifest.Entry e : manifest.segments()) {
                    files.add(path.resolve(e.file()));
                }
            } else {
                files.addAll(SegmentManifest.scan(path));
            }
            if (files.isEmpty()) {
                throw new FileFormatException(path, manifest != null ? SegmentManifest.FILE_NAME
                        + " lists no segments" : "segment directory contains no segment files (*.h5, *.hdf5)"
                        + " and no " + SegmentManifest.FILE_NAME);
            }
        } else if (Files.exists(path)) {
            files = List.of(path);
        } else {
            throw new NoSuchFileException(path.toString(), null, "no HDF5 file or segment directory");
        }
        return openFiles(path, files, manifest, dataset);
    }

    /**
     * Opens an explicit, ordered list of segment files as one store (global row = cumulative offset in this
     * order), without a manifest. The stream archive uses it to read only the segments of a window instead of a
     * whole directory.
     *
     * @param describedAs the path named in {@link #describe()} and in errors about the store as a whole
     * @throws FileFormatException as {@link #open(Path, String)}, or if {@code files} is empty
     * @throws NoSuchFileException if a file is missing
     */
    public static Hdf5ActivationSource open(Path describedAs, List<Path> files, String dataset) throws IOException {
        if (files.isEmpty()) {
            throw new FileFormatException(describedAs, "no segment files given");
        }
        return openFiles(describedAs, List.copyOf(files), null, dataset);
    }

    private static Hdf5ActivationSource openFiles(Path path, List<Path> files, SegmentManifest manifest,
                                                  String dataset) throws IOException {
        List<Segment> segments = new ArrayList<>();
        long total = 0;
        Path first = null;
        int features = -1;
        Boolean float32 = null;
        int[] featureShape = null;
        Path featureShapeFrom = null;
        String layer = null;
        String modelId = null;
        for (int s = 0; s < files.size(); s++) {
            Path file = files.get(s);
            try (HdfFile hdf = Hdf5Support.open(file)) {
                Dataset ds = Hdf5Support.dataset(file, hdf, dataset);
                long[] dims = checkDataset(file, dataset, ds);
                boolean isFloat32 = ds.getDataType().getSize() == 4;
                if (manifest != null && manifest.segments().get(s).rows() != dims[0]) {
                    throw new FileFormatException(file, "dataset '" + dataset + "' has " + dims[0] + " rows but "
                            + path.resolve(SegmentManifest.FILE_NAME) + " says " + manifest.segments().get(s).rows());
                }
                if (first == null) {
                    first = file;
                    features = (int) dims[1];
                    float32 = isFloat32;
                } else {
                    if (dims[1] != features) {
                        throw new FileFormatException(file, "dataset '" + dataset + "' has D = " + dims[1]
                                + " features but " + first + " has D = " + features
                                + "; all segments must have the same D");
                    }
                    if (isFloat32 != float32) {
                        throw new FileFormatException(file, "dataset '" + dataset + "' is "
                                + Hdf5Support.typeName(ds.getDataType()) + " but " + first + " is "
                                + (float32 ? "float32" : "float64") + "; all segments must have the same type");
                    }
                }
                int[] fs = intArrayAttribute(file, attribute(hdf, ds, "feature_shape"));
                if (fs != null) {
                    long product = 1;
                    for (int v : fs) {
                        product *= v;
                    }
                    if (product != dims[1] || fs.length == 0) {
                        throw new FileFormatException(file, "attribute feature_shape " + Arrays.toString(fs)
                                + " has " + product + " elements but dataset '" + dataset + "' has D = " + dims[1]);
                    }
                    if (featureShape != null && !Arrays.equals(fs, featureShape)) {
                        throw new FileFormatException(file, "attribute feature_shape " + Arrays.toString(fs)
                                + " differs from " + Arrays.toString(featureShape) + " in " + featureShapeFrom);
                    }
                    featureShape = fs;
                    featureShapeFrom = file;
                }
                layer = layer != null ? layer : stringAttribute(attribute(hdf, ds, "layer"));
                modelId = modelId != null ? modelId : stringAttribute(attribute(hdf, ds, "model_id"));
                segments.add(new Segment(file, dims[0], total));
                total += dims[0];
            } catch (HdfException e) {
                throw new FileFormatException(file, "cannot read dataset '" + dataset + "': " + e.getMessage(), e);
            }
        }
        if (manifest != null && manifest.features() > 0 && manifest.features() != features) {
            throw new FileFormatException(path.resolve(SegmentManifest.FILE_NAME), "says features = "
                    + manifest.features() + " but the segments have D = " + features);
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(path, total + " rows are more than one column array can hold ("
                    + (Integer.MAX_VALUE - 8) + "); split the store");
        }
        return new Hdf5ActivationSource(path, dataset, List.copyOf(segments), total, features, float32,
                featureShape, layer, modelId);
    }

    /** @return the dimensions [N, D] after checking rank, type and D > 0 */
    private static long[] checkDataset(Path file, String name, Dataset ds) throws FileFormatException {
        long[] dims = ds.getDimensionsAsLong();
        if (dims.length != 2) {
            throw new FileFormatException(file, "dataset '" + name + "' has shape " + Arrays.toString(dims)
                    + "; expected 2-D [rows, features]");
        }
        DataType t = ds.getDataType();
        if (!(t instanceof FloatingPoint) || (t.getSize() != 4 && t.getSize() != 8)) {
            throw new FileFormatException(file, "dataset '" + name + "' has type " + Hdf5Support.typeName(t)
                    + "; expected float32 (float64 is also accepted)");
        }
        if (dims[1] == 0 || dims[1] > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(file, "dataset '" + name + "' has shape " + Arrays.toString(dims)
                    + "; D must be between 1 and " + (Integer.MAX_VALUE - 8));
        }
        return dims;
    }

    private static Attribute attribute(HdfFile hdf, Node ds, String name) {
        Map<String, Attribute> own = ds.getAttributes();
        if (own.containsKey(name)) {
            return own.get(name);
        }
        return hdf.getAttributes().get(name);
    }

    private static int[] intArrayAttribute(Path file, Attribute a) throws FileFormatException {
        if (a == null) {
            return null;
        }
        Object data = a.getData();
        if (data instanceof Number n) {
            return new int[] {n.intValue()};
        }
        if (data == null || !data.getClass().isArray() || !data.getClass().getComponentType().isPrimitive()
                || data instanceof float[] || data instanceof double[] || data instanceof boolean[]) {
            throw new FileFormatException(file, "attribute " + a.getName() + " must be an integer array; found "
                    + (data == null ? "null" : data.getClass().getSimpleName()));
        }
        int n = Array.getLength(data);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            long v = ((Number) Array.get(data, i)).longValue();
            if (v <= 0 || v > Integer.MAX_VALUE) {
                throw new FileFormatException(file, "attribute " + a.getName() + " has invalid dimension " + v);
            }
            out[i] = (int) v;
        }
        return out;
    }

    private static String stringAttribute(Attribute a) {
        if (a == null) {
            return null;
        }
        Object data = a.getData();
        if (data instanceof String s) {
            return s;
        }
        if (data instanceof String[] arr && arr.length == 1) {
            return arr[0];
        }
        return null;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int features() {
        return features;
    }

    /** True for a float32 store (widened exactly by {@link #readColumns}), false for float64. */
    @Override
    public boolean float32() {
        return float32;
    }

    /** The {@code feature_shape} attribute (e.g. [C, H, W]), if present. */
    public Optional<int[]> featureShape() {
        return Optional.ofNullable(featureShape).map(int[]::clone);
    }

    /** The {@code layer} attribute, if present. */
    public Optional<String> layer() {
        return Optional.ofNullable(layer);
    }

    /** The {@code model_id} attribute, if present. */
    public Optional<String> modelId() {
        return Optional.ofNullable(modelId);
    }

    /** The files in global row order (one for a single-file store). */
    public List<Path> files() {
        List<Path> out = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            out.add(s.file());
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public double[][] readColumns(int from, int to) throws IOException {
        return readColumns(from, to, 0, rows);
    }

    /**
     * Reads features {@code [from, to)} of global rows {@code [rowFrom, rowTo)} only: the segments outside the row
     * range are not touched and the first and last are sliced, so a view that starts mid-segment reads no more
     * than it returns (up to chunk granularity).
     *
     * @return {@code to - from} arrays of length {@code rowTo - rowFrom}
     * @throws IllegalArgumentException if a range is empty (columns) or outside the store
     * @throws IOException as {@link #readColumns(int, int)}
     */
    public double[][] readColumns(int from, int to, long rowFrom, long rowTo) throws IOException {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
        ActivationSource.checkRange(from, to, features);
        if (rowFrom < 0 || rowTo > rows || rowFrom > rowTo) {
            throw new IllegalArgumentException("row range [" + rowFrom + ", " + rowTo + ") is outside [0, " + rows
                    + ") of " + describe());
        }
        int width = to - from;
        double[][] out = new double[width][(int) (rowTo - rowFrom)];
        for (Segment s : segments) {
            // The part of [rowFrom, rowTo) inside this segment, in segment-local rows.
            long lo = Math.max(rowFrom, s.offset()) - s.offset();
            long hi = Math.min(rowTo, s.offset() + s.rows()) - s.offset();
            if (lo >= hi) {
                continue; // also skips empty segments: jhdf cannot slice an empty dataset
            }
            Dataset ds = openSegment(s);
            int block = Hdf5Support.blockRows(ds, s.rows(), width, BLOCK_ELEMENTS);
            // Block boundaries stay at multiples of block from the segment start (chunk-aligned) so that a range
            // starting mid-segment does not make jhdf decompress a chunk twice.
            for (long r0 = lo; r0 < hi; r0 = (r0 / block + 1) * block) {
                int n = (int) (Math.min((r0 / block + 1) * block, hi) - r0);
                long[] offset = {r0, from};
                int[] size = {n, width};
                Object data;
                try {
                    data = ds.getData(offset, size);
                } catch (HdfException e) {
                    throw Hdf5Support.readFailure(s.file(), dataset, offset, size, e);
                }
                int base = (int) (s.offset() + r0 - rowFrom);
                if (data instanceof float[][] f) {
                    for (int i = 0; i < n; i++) {
                        float[] row = f[i];
                        for (int j = 0; j < width; j++) {
                            out[j][base + i] = row[j];
                        }
                    }
                } else {
                    double[][] d = (double[][]) data;
                    for (int i = 0; i < n; i++) {
                        double[] row = d[i];
                        for (int j = 0; j < width; j++) {
                            out[j][base + i] = row[j];
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The segment's dataset from the small LRU of open files, re-checking that the file was not replaced. */
    private Dataset openSegment(Segment s) throws IOException {
        OpenSegment o = open.get(s.file());
        if (o != null) {
            return o.dataset();
        }
        HdfFile hdf = Hdf5Support.open(s.file());
        try {
            Dataset ds = Hdf5Support.dataset(s.file(), hdf, dataset);
            long[] dims = checkDataset(s.file(), dataset, ds);
            if (dims[0] != s.rows() || dims[1] != features || (ds.getDataType().getSize() == 4) != float32) {
                throw new FileFormatException(s.file(), "dataset '" + dataset + "' changed since the store was"
                        + " opened: now " + Hdf5Support.typeName(ds.getDataType()) + " " + Arrays.toString(dims)
                        + ", was [" + s.rows() + ", " + features + "]");
            }
            if (open.size() >= MAX_OPEN) {
                var eldest = open.entrySet().iterator().next();
                open.remove(eldest.getKey());
                eldest.getValue().hdf().close();
            }
            open.put(s.file(), new OpenSegment(hdf, ds));
            return ds;
        } catch (IOException | RuntimeException e) {
            hdf.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return path + " (dataset '" + dataset + "', " + segments.size() + (segments.size() == 1 ? " file" : " files")
                + ")";
    }

    /** Closes the open segment files. Idempotent. */
    @Override
    public void close() {
        closed = true;
        RuntimeException failure = null;
        for (OpenSegment o : open.values()) {
            try {
                o.hdf().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
