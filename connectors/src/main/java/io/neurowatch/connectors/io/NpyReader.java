package io.neurowatch.connectors.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads NPY files (format versions 1.0, 2.0 and 3.0; little- or big-endian; C order) of the dtypes in
 * {@link NpyDtype}.
 *
 * <p>Stateless and thread-safe. Every format problem is a {@link FileFormatException} whose message names the file:
 * bad magic, unsupported version, truncated header, malformed header, unsupported dtype (named), Fortran order,
 * truncated data (expected vs actual bytes). I/O failures are plain {@link IOException}s.
 */
public final class NpyReader {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Headers are a few hundred bytes; anything larger is corruption, not data. */
    private static final long MAX_HEADER = 64L << 20;
    private static final int CHUNK_BYTES = 1 << 20;

    private NpyReader() {
    }

    /** Reads the whole array. */
    public static NpyArray read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            NpyHeader h = readHeader(file, ch);
            long n = h.size();
            if (n > Integer.MAX_VALUE - 8) {
                throw new FileFormatException(file, "array " + h.describe() + " has " + n
                        + " elements, more than a Java array holds; read it in parts");
            }
            Object data = java.lang.reflect.Array.newInstance(h.dtype().arrayClass().getComponentType(), (int) n);
            stream(file, ch, h, 1, (buf, first, count) -> copy(buf, h.dtype(), data, (int) first, count));
            return new NpyArray(h.shape(), h.dtype(), data);
        }
    }

    /** Reads and validates the header only (including that the file holds all the data the header announces). */
    public static NpyHeader readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch);
        }
    }

    static NpyHeader readHeader(Path file, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize == 0) {
            throw new FileFormatException(file, "not an NPY file: bad magic (the file is empty)");
        }
        ByteBuffer pre = ByteBuffer.allocate((int) Math.min(12, fileSize)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, pre, 0);
        pre.flip();
        int magicAvail = Math.min(pre.limit(), MAGIC.length);
        for (int i = 0; i < magicAvail; i++) {
            if (pre.get(i) != MAGIC[i]) {
                throw new FileFormatException(file, "not an NPY file: bad magic (expected \\x93NUMPY, found "
                        + printable(pre, Math.min(pre.limit(), 6)) + ")");
            }
        }
        if (fileSize < 8) {
            throw new FileFormatException(file, "truncated header: the file has only " + fileSize
                    + " bytes, an NPY preamble needs at least 10");
        }
        int major = pre.get(6) & 0xFF;
        int minor = pre.get(7) & 0xFF;
        if (minor != 0 || major < 1 || major > 3) {
            throw new FileFormatException(file, "unsupported NPY format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        int prelude = 8 + lenBytes;
        if (fileSize < prelude) {
            throw new FileFormatException(file, "truncated header: the file has only " + fileSize
                    + " bytes, an NPY " + major + ".0 preamble needs " + prelude);
        }
        long headerLen = major == 1 ? pre.getShort(8) & 0xFFFF : pre.getInt(8) & 0xFFFFFFFFL;
        if (headerLen > MAX_HEADER) {
            throw new FileFormatException(file, "malformed header: header length " + headerLen
                    + " bytes is implausible");
        }
        if (prelude + headerLen > fileSize) {
            throw new FileFormatException(file, "truncated header: the header declares " + headerLen
                    + " bytes but the file ends " + (fileSize - prelude) + " bytes after the preamble");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(file, ch, hb, prelude);
        hb.flip();
        String text;
        try {
            // Version 3.0 exists only to allow UTF-8 (structured field names); 1.0 and 2.0 are latin-1.
            text = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).decode(hb).toString();
        } catch (CharacterCodingException e) {
            throw new FileFormatException(file, "malformed header: not valid UTF-8", e);
        }
        Map<?, ?> dict = parseDict(file, text);
        long dataOffset = prelude + headerLen;

        Object descr = dict.get("descr");
        if (!(descr instanceof String d)) {
            throw new FileFormatException(file, "unsupported dtype " + pyRepr(descr)
                    + ": structured and record dtypes are not supported");
        }
        ByteOrder order = ByteOrder.nativeOrder();
        String code = d;
        if (!d.isEmpty() && "<>|=".indexOf(d.charAt(0)) >= 0) {
            char o = d.charAt(0);
            order = o == '>' ? ByteOrder.BIG_ENDIAN : o == '<' || o == '|' ? ByteOrder.LITTLE_ENDIAN : order;
            code = d.substring(1);
        }
        NpyDtype dtype = NpyDtype.fromCode(code);
        if (dtype == null) {
            throw new FileFormatException(file, "unsupported dtype '" + d
                    + "' (supported: bool |b1, uint8 |u1, int8 |i1, int32 i4, int64 i8, float16 f2, float32 f4,"
                    + " float64 f8; little- or big-endian)");
        }
        if (dtype.itemSize() == 1) {
            order = ByteOrder.LITTLE_ENDIAN;
        }
        Object fortran = dict.get("fortran_order");
        if (!(fortran instanceof Boolean)) {
            throw new FileFormatException(file, "malformed header: fortran_order is " + pyRepr(fortran)
                    + ", expected True or False");
        }
        if ((Boolean) fortran) {
            throw new FileFormatException(file, "array is stored in Fortran order (fortran_order: True); only C"
                    + " order is supported: re-save it with numpy.save(path, numpy.ascontiguousarray(a))");
        }
        Object shapeObj = dict.get("shape");
        if (!(shapeObj instanceof List<?> dims)) {
            throw new FileFormatException(file, "malformed header: shape is " + pyRepr(shapeObj)
                    + ", expected a tuple of integers");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long v) || v < 0) {
                throw new FileFormatException(file, "malformed header: shape " + pyRepr(shapeObj)
                        + " is not a tuple of non-negative integers");
            }
            shape[i] = v;
        }
        NpyHeader h;
        long expected;
        try {
            h = new NpyHeader(major, minor, dtype, order, shape, dataOffset);
            expected = h.dataBytes();
        } catch (ArithmeticException e) {
            throw new FileFormatException(file, "malformed header: shape " + pyRepr(shapeObj)
                    + " has too many elements", e);
        }
        long actual = fileSize - dataOffset;
        if (actual < expected) {
            throw new FileFormatException(file, "truncated data: " + h.describe() + " needs " + expected
                    + " bytes after the header, but only " + actual + " bytes follow");
        }
        return h;
    }

    private static Map<?, ?> parseDict(Path file, String text) throws FileFormatException {
        Object parsed;
        try {
            parsed = PyLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, "malformed header: " + e.getMessage() + " in "
                    + abbreviate(text), e);
        }
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw new FileFormatException(file, "malformed header: not a dict: " + abbreviate(text));
        }
        Set<String> expectedKeys = Set.of("descr", "fortran_order", "shape");
        Set<Object> missing = new TreeSet<>(expectedKeys);
        missing.removeAll(dict.keySet());
        if (!missing.isEmpty()) {
            throw new FileFormatException(file, "malformed header: missing key(s) " + missing + " in "
                    + abbreviate(text));
        }
        // numpy itself rejects headers with other keys; do the same rather than guess what they mean.
        Set<Object> extra = new TreeSet<>();
        for (Object k : dict.keySet()) {
            if (!expectedKeys.contains(k)) {
                extra.add(k);
            }
        }
        if (!extra.isEmpty()) {
            throw new FileFormatException(file, "malformed header: unexpected key(s) " + extra);
        }
        return dict;
    }

    /** Receives consecutive chunks of element data, each holding whole units. */
    @FunctionalInterface
    interface ChunkConsumer {
        /**
         * @param buf the chunk, positioned at its first element, in the file's byte order
         * @param firstElement index of the chunk's first element in the array
         * @param count elements in the chunk
         */
        void accept(ByteBuffer buf, long firstElement, int count) throws IOException;
    }

    /**
     * Streams the element data in chunks of about 1 MiB, each a whole number of {@code unit} elements (e.g. one
     * label row), so that callers never need the whole array in memory.
     */
    static void stream(Path file, FileChannel ch, NpyHeader h, long unit, ChunkConsumer consumer)
            throws IOException {
        int item = h.dtype().itemSize();
        long total = h.size();
        if (total == 0) {
            return;
        }
        long unitBytes = Math.multiplyExact(unit, item);
        if (unitBytes > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(file, "rows of " + unit + " elements are too long to stream");
        }
        long perChunk = Math.max(unit, CHUNK_BYTES / item / unit * unit);
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(perChunk * item, total * item)).order(h.byteOrder());
        long pos = h.dataOffset();
        for (long first = 0; first < total; first += perChunk) {
            int count = (int) Math.min(perChunk, total - first);
            buf.clear().limit(count * item);
            readFully(file, ch, buf, pos);
            buf.flip();
            pos += (long) count * item;
            consumer.accept(buf, first, count);
        }
    }

    private static void copy(ByteBuffer buf, NpyDtype dtype, Object data, int off, int count) {
        switch (dtype) {
            case BOOL -> {
                boolean[] a = (boolean[]) data;
                for (int i = 0; i < count; i++) {
                    a[off + i] = buf.get() != 0;
                }
            }
            case UINT8, INT8 -> buf.get((byte[]) data, off, count);
            case INT32 -> buf.asIntBuffer().get((int[]) data, off, count);
            case INT64 -> buf.asLongBuffer().get((long[]) data, off, count);
            case FLOAT16 -> buf.asShortBuffer().get((short[]) data, off, count);
            case FLOAT32 -> buf.asFloatBuffer().get((float[]) data, off, count);
            case FLOAT64 -> buf.asDoubleBuffer().get((double[]) data, off, count);
        }
    }

    static void readFully(Path file, FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                // The size was checked against the header, so the file shrank while we read it.
                throw new FileFormatException(file, "truncated data: the file ended at byte " + pos
                        + " while reading (was it modified during the read?)");
            }
            pos += n;
        }
    }

    private static String printable(ByteBuffer b, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = b.get(i) & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.length() == 0 ? "an empty file" : "'" + s + "'";
    }

    private static String abbreviate(String text) {
        String t = text.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "...";
    }

    private static String pyRepr(Object o) {
        return o == null ? "None" : o instanceof String s ? "'" + s + "'" : o.toString();
    }
}
