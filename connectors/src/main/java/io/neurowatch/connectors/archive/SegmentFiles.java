package io.neurowatch.connectors.archive;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.exceptions.HdfException;
import io.jhdf.object.datatype.FloatingPoint;
import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.connectors.io.Hdf5ActivationSource;
import io.neurowatch.connectors.io.Hdf5ActivationWriter;
import io.neurowatch.connectors.io.Hdf5Support;
import io.neurowatch.connectors.io.Hdf5WriteOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads the archive's segment files. A segment is the INVERT store's {@code Y} [n, D] float32 (so
 * {@link Hdf5ActivationSource} and h5py read it as a store segment) plus, per row, {@code sample_id} int64 [n],
 * {@code timestamp} int64 [n] (epoch ms) and the concept labels in CSR form, {@code label_offsets} int64 [n + 1] and
 * {@code label_concepts} int32 [nnz]; and the root attributes {@code source_offsets} (JSON text, see
 * {@link OffsetJson}) and {@code archive_format} = {@value #FORMAT}. A segment is self-describing so that one found
 * on disk without a manifest entry (a crash between the two renames) can be judged and adopted.
 *
 * <p>jhdf cannot write an empty dataset, so a segment without any label stores {@code label_concepts} = [-1]:
 * entries at or after {@code label_offsets[n]} are padding.
 *
 * <p>Stateless and thread-safe. Content problems are {@link FileFormatException}s naming the file and dataset.
 */
final class SegmentFiles {
    static final int FORMAT = 1;
    static final String SAMPLE_ID = "sample_id";
    static final String TIMESTAMP = "timestamp";
    static final String LABEL_OFFSETS = "label_offsets";
    static final String LABEL_CONCEPTS = "label_concepts";
    static final String SOURCE_OFFSETS = "source_offsets";
    static final String ARCHIVE_FORMAT = "archive_format";

    private SegmentFiles() {
    }

    /**
     * Writes a new segment file at {@code target} (temp file, fsync, link into place; never replaces).
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code target} exists
     */
    static void write(Path target, SegmentData d, Hdf5WriteOptions options) throws IOException {
        Map<String, Object> datasets = new LinkedHashMap<>();
        datasets.put(SAMPLE_ID, d.sampleIds());
        datasets.put(TIMESTAMP, d.timestamps());
        datasets.put(LABEL_OFFSETS, d.labelOffsets());
        datasets.put(LABEL_CONCEPTS, d.labelConcepts().length == 0 ? new int[] {-1} : d.labelConcepts());
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(SOURCE_OFFSETS, OffsetJson.rangesText(d.offsets()));
        attributes.put(ARCHIVE_FORMAT, FORMAT);
        Hdf5ActivationWriter.writeSegment(target, d.rows(), options, datasets, attributes);
    }

    /**
     * Reads and checks everything but the activations: shapes agree with {@code Y}, label offsets are a valid CSR
     * index, concept indices are non-negative, the offsets attribute parses.
     *
     * @throws FileFormatException naming the file and the dataset or attribute at fault
     * @throws java.nio.file.NoSuchFileException if the file is missing
     */
    static SegmentIndex readIndex(Path file) throws IOException {
        try (HdfFile hdf = Hdf5Support.open(file)) {
            Dataset y = Hdf5Support.dataset(file, hdf, Hdf5ActivationSource.DEFAULT_DATASET);
            long[] dims = y.getDimensionsAsLong();
            if (dims.length != 2 || dims[0] < 1 || dims[1] < 1 || dims[0] > Integer.MAX_VALUE - 8
                    || dims[1] > Integer.MAX_VALUE - 8 || !(y.getDataType() instanceof FloatingPoint)
                    || y.getDataType().getSize() != 4) {
                throw new FileFormatException(file, "dataset 'Y' is " + Hdf5Support.typeName(y.getDataType()) + " "
                        + Arrays.toString(dims) + "; an archive segment holds float32 [n >= 1, D >= 1]");
            }
            int n = (int) dims[0];
            long[] sampleIds = longs(file, hdf, SAMPLE_ID, n);
            long[] timestamps = longs(file, hdf, TIMESTAMP, n);
            long[] labelOffsets = longs(file, hdf, LABEL_OFFSETS, n + 1);
            int[] concepts = concepts(file, hdf, labelOffsets);
            Attribute a = hdf.getAttribute(SOURCE_OFFSETS);
            if (a == null || !(a.getData() instanceof String text)) {
                throw new FileFormatException(file, "root attribute '" + SOURCE_OFFSETS + "' (JSON text) is missing;"
                        + " not a stream archive segment");
            }
            List<OffsetRange> offsets = OffsetJson.parseRangesText(file, "attribute '" + SOURCE_OFFSETS + "'", text);
            return new SegmentIndex(file, n, (int) dims[1], sampleIds, timestamps, labelOffsets, concepts, offsets,
                    stringAttribute(y, "model_id"), stringAttribute(y, "layer"));
        } catch (HdfException e) {
            throw new FileFormatException(file, "cannot read the segment: " + e.getMessage(), e);
        }
    }

    private static long[] longs(Path file, HdfFile hdf, String name, int expected) throws FileFormatException {
        Dataset ds = Hdf5Support.dataset(file, hdf, name);
        int[] dims = ds.getDimensions();
        if (dims.length != 1 || dims[0] != expected || ds.getJavaType() != long.class) {
            throw new FileFormatException(file, "dataset '" + name + "' is " + Hdf5Support.typeName(ds.getDataType())
                    + " " + Arrays.toString(dims) + "; expected int64 [" + expected + "]");
        }
        return (long[]) ds.getData();
    }

    private static int[] concepts(Path file, HdfFile hdf, long[] offsets) throws FileFormatException {
        if (offsets[0] != 0) {
            throw new FileFormatException(file, "dataset '" + LABEL_OFFSETS + "' must start at 0; found "
                    + offsets[0]);
        }
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] < offsets[i - 1]) {
                throw new FileFormatException(file, "dataset '" + LABEL_OFFSETS + "' decreases at row " + (i - 1)
                        + " (" + offsets[i - 1] + " then " + offsets[i] + ")");
            }
        }
        long nnz = offsets[offsets.length - 1];
        Dataset ds = Hdf5Support.dataset(file, hdf, LABEL_CONCEPTS);
        int[] dims = ds.getDimensions();
        if (dims.length != 1 || dims[0] < Math.max(1, nnz) || ds.getJavaType() != int.class) {
            throw new FileFormatException(file, "dataset '" + LABEL_CONCEPTS + "' is "
                    + Hdf5Support.typeName(ds.getDataType()) + " " + Arrays.toString(dims) + "; expected int32 with at"
                    + " least " + Math.max(1, nnz) + " entries (label_offsets ends at " + nnz + ")");
        }
        int[] all = (int[]) ds.getData();
        int[] used = all.length == nnz ? all : Arrays.copyOf(all, (int) nnz);
        for (int k = 0; k < used.length; k++) {
            if (used[k] < 0) {
                throw new FileFormatException(file, "dataset '" + LABEL_CONCEPTS + "' has negative concept index "
                        + used[k] + " at entry " + k);
            }
        }
        return used;
    }

    private static String stringAttribute(Dataset ds, String name) {
        Attribute a = ds.getAttribute(name);
        if (a == null) {
            return null;
        }
        Object v = a.getData();
        return v instanceof String s ? s : null;
    }
}
