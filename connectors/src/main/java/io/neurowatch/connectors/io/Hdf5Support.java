package io.neurowatch.connectors.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.exceptions.HdfException;
import io.jhdf.exceptions.HdfInvalidPathException;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.EnumDataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * jhdf glue shared by the HDF5 readers: opening with file-named errors, dataset lookup, type names, block sizes.
 * Stateless and thread-safe; public (open, dataset, typeName) for the stream archive's segment reader.
 */
public final class Hdf5Support {
    /** Listing every dataset of a huge file in a message helps nobody. */
    private static final int MAX_LISTED = 40;

    private Hdf5Support() {
    }

    /**
     * Opens an HDF5 file, turning jhdf's unchecked exceptions into an exception that names the file.
     */
    public static HdfFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such HDF5 file");
        }
        try {
            return new HdfFile(file);
        } catch (HdfException e) {
            throw new FileFormatException(file, "not a readable HDF5 file: " + e.getMessage(), e);
        }
    }

    /**
     * @throws FileFormatException if {@code name} does not exist (listing the datasets that do) or is not a dataset
     */
    public static Dataset dataset(Path file, HdfFile hdf, String name) throws FileFormatException {
        Node node;
        try {
            node = hdf.getByPath(name);
        } catch (HdfInvalidPathException e) {
            List<String> all = new ArrayList<>();
            collectDatasets(hdf, all);
            String listing = all.isEmpty() ? "the file contains no datasets"
                    : "datasets in the file: " + (all.size() > MAX_LISTED
                    ? all.subList(0, MAX_LISTED) + " and " + (all.size() - MAX_LISTED) + " more" : all);
            throw new FileFormatException(file, "no dataset '" + name + "'; " + listing, e);
        } catch (HdfException e) {
            throw new FileFormatException(file, "cannot read '" + name + "': " + e.getMessage(), e);
        }
        if (!(node instanceof Dataset ds)) {
            throw new FileFormatException(file, "'" + name + "' is a " + node.getType().toString()
                    .toLowerCase(Locale.ROOT) + ", not a dataset");
        }
        return ds;
    }

    private static void collectDatasets(Group g, List<String> out) {
        for (Node n : g.getChildren().values()) {
            if (out.size() > 1000) {
                return;
            }
            if (n instanceof Dataset) {
                out.add(n.getPath());
            } else if (n instanceof Group child && !n.isLink()) {
                collectDatasets(child, out);
            }
        }
    }

    /** numpy-style name of an HDF5 type: float32, uint8, int64, string, enum(...). */
    public static String typeName(DataType t) {
        if (t instanceof FloatingPoint) {
            return "float" + t.getSize() * 8;
        }
        if (t instanceof FixedPoint f) {
            return (f.isSigned() ? "int" : "uint") + t.getSize() * 8;
        }
        if (t instanceof EnumDataType e) {
            return "enum" + e.getEnumMapping();
        }
        if (t instanceof StringData) {
            return "string";
        }
        return t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    /**
     * Rows per sliced read so that one block holds about {@code targetElements} values, rounded to whole chunks
     * along the row axis: a block boundary inside a chunk would make jhdf decompress that chunk twice.
     */
    static int blockRows(Dataset ds, long rows, int cols, long targetElements) {
        long r = Math.max(1, targetElements / Math.max(1, cols));
        if (ds instanceof ChunkedDataset c) {
            int chunkRows = c.getChunkDimensions()[0];
            r = r < chunkRows ? chunkRows : r / chunkRows * chunkRows;
        }
        return (int) Math.min(Math.min(r, rows), Integer.MAX_VALUE);
    }

    /** Wraps a jhdf runtime failure during a read into an IOException naming file and dataset. */
    static FileFormatException readFailure(Path file, String dataset, long[] offset, int[] dims, HdfException e) {
        return new FileFormatException(file, "reading dataset '" + dataset + "' at offset " + Arrays.toString(offset)
                + " size " + Arrays.toString(dims) + " failed: " + e.getMessage(), e);
    }
}
