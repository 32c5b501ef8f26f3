package io.neurowatch.connectors.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes NPY files: little-endian, C order, format version 1.0 (2.0 only when the header exceeds 64 KiB), header
 * padded so the data starts at a multiple of 64 bytes, exactly like {@code numpy.save}. The file appears
 * atomically (written to a temporary sibling and renamed into place), so readers never see a partial file.
 *
 * <p>Stateless and thread-safe (concurrent writes to the same path: the last rename wins).
 *
 * @see NpyReader
 */
public final class NpyWriter {
    private static final int CHUNK_BYTES = 1 << 20;

    private NpyWriter() {
    }

    /** Writes any {@link NpyArray}. @throws IOException if the file cannot be written */
    public static void write(Path file, NpyArray array) throws IOException {
        byte[] header = header(array.dtype(), array.shape());
        Path temp = AtomicFiles.tempSibling(file);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeAll(ch, ByteBuffer.wrap(header));
                writeData(ch, array);
            }
            AtomicFiles.publish(temp, file, true);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** @throws IllegalArgumentException if {@code shape} does not match {@code data.length} */
    public static void writeFloat32(Path file, float[] data, long... shape) throws IOException {
        write(file, NpyArray.ofFloat32(data, shape));
    }

    /** @throws IllegalArgumentException if {@code shape} does not match {@code data.length} */
    public static void writeFloat64(Path file, double[] data, long... shape) throws IOException {
        write(file, NpyArray.ofFloat64(data, shape));
    }

    /** Bytes are written as unsigned 0..255. @throws IllegalArgumentException on a shape mismatch */
    public static void writeUint8(Path file, byte[] data, long... shape) throws IOException {
        write(file, NpyArray.ofUint8(data, shape));
    }

    /** @throws IllegalArgumentException if {@code shape} does not match {@code data.length} */
    public static void writeInt64(Path file, long[] data, long... shape) throws IOException {
        write(file, NpyArray.ofInt64(data, shape));
    }

    /** The complete preamble + header as numpy writes it, for little-endian C-order data. */
    static byte[] header(NpyDtype dtype, long[] shape) {
        StringBuilder dims = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        // A one-element tuple needs its trailing comma in Python.
        dims.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + dtype.descr(ByteOrder.LITTLE_ENDIAN) + "', 'fortran_order': False, 'shape': "
                + dims + ", }";
        int major = 1;
        int padded = (10 + dict.length() + 1 + 63) / 64 * 64;
        if (padded - 10 > 0xFFFF) {
            major = 2;
            padded = (12 + dict.length() + 1 + 63) / 64 * 64;
        }
        int prelude = major == 1 ? 10 : 12;
        int unpadded = prelude + dict.length() + 1;
        String text = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyReader.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) text.length());
        } else {
            b.putInt(text.length());
        }
        b.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    private static void writeData(FileChannel ch, NpyArray a) throws IOException {
        int item = a.dtype().itemSize();
        int n = a.size();
        int perChunk = CHUNK_BYTES / item;
        ByteBuffer buf = ByteBuffer.allocate(Math.max(item, Math.min(n, perChunk) * item))
                .order(ByteOrder.LITTLE_ENDIAN);
        Object data = a.data();
        for (int off = 0; off < n; off += perChunk) {
            int count = Math.min(perChunk, n - off);
            buf.clear();
            switch (a.dtype()) {
                case BOOL -> {
                    boolean[] v = (boolean[]) data;
                    for (int i = 0; i < count; i++) {
                        buf.put((byte) (v[off + i] ? 1 : 0));
                    }
                }
                case UINT8, INT8 -> buf.put((byte[]) data, off, count);
                case INT32 -> buf.asIntBuffer().put((int[]) data, off, count);
                case INT64 -> buf.asLongBuffer().put((long[]) data, off, count);
                case FLOAT16 -> buf.asShortBuffer().put((short[]) data, off, count);
                case FLOAT32 -> buf.asFloatBuffer().put((float[]) data, off, count);
                case FLOAT64 -> buf.asDoubleBuffer().put((double[]) data, off, count);
            }
            // The typed views above do not move buf's own position, so set the limit explicitly.
            buf.position(0).limit(count * item);
            writeAll(ch, buf);
        }
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
