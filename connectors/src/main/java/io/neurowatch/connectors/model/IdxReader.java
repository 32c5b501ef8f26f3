package io.neurowatch.connectors.model;

import io.neurowatch.connectors.io.FileFormatException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed (detected from the first bytes):
 * <pre>
 *   offset 0   2 bytes   0x00 0x00
 *   offset 2   1 byte    element type: 0x08 = unsigned byte (the only one accepted)
 *   offset 3   1 byte    rank R (1 – 4)
 *   offset 4   4·R bytes extents, big-endian u32
 *   then       the elements, row-major
 * </pre>
 * Errors name the file and the byte offset (in the decompressed stream for a gzip file). Stateless.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_RANK = 4;

    private IdxReader() {
    }

    /**
     * An IDX array of unsigned bytes.
     *
     * @param dims the extents, outermost first
     * @param data the elements, row-major (read them with {@code & 0xff}); shared, not copied, as it may be large
     */
    public record IdxArray(int[] dims, byte[] data) {
        public IdxArray {
            dims = dims.clone();
        }

        @Override
        public int[] dims() {
            return dims.clone();
        }

        /** Element i as 0 – 255. */
        public int get(long i) {
            return data[Math.toIntExact(i)] & 0xff;
        }
    }

    /**
     * Reads a whole IDX file.
     *
     * @throws FileFormatException for a bad header, an unsupported element type, missing or extra bytes, or a
     *     corrupt gzip stream
     */
    public static IdxArray read(Path file) throws IOException {
        byte[] bytes;
        boolean gzip;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try {
                bytes = gzip ? new GZIPInputStream(raw).readAllBytes() : raw.readAllBytes();
            } catch (EOFException | java.util.zip.ZipException e) {
                throw new FileFormatException(file, "corrupt or truncated gzip stream: " + e.getMessage(), e);
            }
        }
        String where = gzip ? " of the decompressed data" : "";
        if (bytes.length < 4) {
            throw new FileFormatException(file, "truncated at offset " + bytes.length + where
                    + ": an IDX header needs at least 4 bytes");
        }
        if (bytes[0] != 0 || bytes[1] != 0) {
            throw new FileFormatException(file, String.format("not an IDX file: bad magic %02x %02x at offset 0%s, "
                    + "expected 00 00", bytes[0] & 0xff, bytes[1] & 0xff, where));
        }
        int type = bytes[2] & 0xff;
        if (type != UNSIGNED_BYTE) {
            throw new FileFormatException(file, String.format("unsupported IDX element type 0x%02x at offset 2%s; "
                    + "only unsigned bytes (0x08) are read", type, where));
        }
        int rank = bytes[3] & 0xff;
        if (rank < 1 || rank > MAX_RANK) {
            throw new FileFormatException(file, "IDX rank " + rank + " at offset 3" + where + " is outside [1, "
                    + MAX_RANK + "]");
        }
        int header = 4 + 4 * rank;
        if (bytes.length < header) {
            throw new FileFormatException(file, "truncated at offset " + bytes.length + where + ": the header of a "
                    + "rank-" + rank + " IDX file takes " + header + " bytes");
        }
        int[] dims = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            int at = 4 + 4 * i;
            long extent = ((bytes[at] & 0xffL) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
                    | (bytes[at + 3] & 0xff);
            if (extent > Integer.MAX_VALUE) {
                throw new FileFormatException(file, "extent " + extent + " at offset " + at + where + " is too large");
            }
            dims[i] = (int) extent;
            count *= extent;
        }
        long expected = header + count;
        if (bytes.length < expected) {
            throw new FileFormatException(file, "truncated at offset " + bytes.length + where + ": extents "
                    + Arrays.toString(dims) + " need " + count + " bytes of data from offset " + header
                    + ", the file ends " + (expected - bytes.length) + " bytes short");
        }
        if (bytes.length > expected) {
            throw new FileFormatException(file, (bytes.length - expected) + " unexpected bytes after the data, from "
                    + "offset " + expected + where + " (extents " + Arrays.toString(dims) + ")");
        }
        return new IdxArray(dims, Arrays.copyOfRange(bytes, header, bytes.length));
    }

    /**
     * Reads a rank-1 IDX file of class labels.
     *
     * @throws FileFormatException as {@link #read}, or if the file is not rank 1
     */
    public static int[] readLabels(Path file) throws IOException {
        IdxArray a = read(file);
        if (a.dims().length != 1) {
            throw new FileFormatException(file, "expected rank-1 labels, found extents " + Arrays.toString(a.dims()));
        }
        int[] out = new int[a.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.data()[i] & 0xff;
        }
        return out;
    }
}
