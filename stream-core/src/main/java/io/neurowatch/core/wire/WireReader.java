package io.neurowatch.core.wire;

import io.neurowatch.core.wire.WireFormatException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A little-endian cursor over one record that never reads, or allocates for, more bytes than the record has:
 * every variable-size read is checked against the bytes that remain before anything is allocated. Offsets are
 * counted from the first byte of the record. Not thread-safe: one reader per decode call.
 */
final class WireReader {
    private final ByteBuffer bytes;
    private int end;
    private int position;

    private WireReader(ByteBuffer bytes) {
        this.bytes = bytes;
        this.end = bytes.limit();
    }

    /** A reader over {@code record}'s remaining bytes; the buffer's own position and order are left untouched. */
    static WireReader over(ByteBuffer record) {
        return new WireReader(record.slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Bytes the caller handed in, whatever the header declares. */
    int available() {
        return bytes.limit();
    }

    int position() {
        return position;
    }

    int remaining() {
        return end - position;
    }

    /** Ends the record at {@code length} (the header's declared length, already checked against the input). */
    void endAt(int length) {
        end = length;
    }

    /** The byte at {@code index} without moving the cursor; the index must be below {@link #available()}. */
    int peekByte(int index) {
        return bytes.get(index) & 0xff;
    }

    int u8(String field) throws WireFormatException {
        need(1, field);
        return bytes.get(position++) & 0xff;
    }

    int u16(String field) throws WireFormatException {
        need(2, field);
        int value = bytes.getShort(position) & 0xffff;
        position += 2;
        return value;
    }

    long u32(String field) throws WireFormatException {
        need(4, field);
        long value = bytes.getInt(position) & 0xffffffffL;
        position += 4;
        return value;
    }

    long i64(String field) throws WireFormatException {
        need(8, field);
        long value = bytes.getLong(position);
        position += 8;
        return value;
    }

    /** A u32 dimension that must lie in {@code [1, max]}. */
    int dimension(String field, int max) throws WireFormatException {
        int at = position;
        long value = u32(field);
        String problem = WireChecks.dimension(field, value, max);
        if (problem != null) {
            throw new WireFormatException(Reason.BAD_DIMENSION, at, problem);
        }
        return (int) value;
    }

    /**
     * Checks that a section of {@code sectionBytes} fits in what remains, before anything is allocated for it.
     *
     * @param declaredAt offset of the count field that declared the size, reported on failure
     */
    void requireSection(long sectionBytes, int declaredAt, String what) throws WireFormatException {
        if (sectionBytes > remaining()) {
            throw new WireFormatException(Reason.SIZE_MISMATCH, declaredAt, what + " needs " + sectionBytes
                    + " bytes from offset " + position + ", but the record has " + remaining() + " left");
        }
    }

    /** A u32 length then that many UTF-8 bytes, decoded strictly. */
    String string(String field, boolean allowEmpty) throws WireFormatException {
        int lengthAt = position;
        long length = u32(field + " length");
        if (length > WireFormat.MAX_STRING_BYTES) {
            throw new WireFormatException(Reason.BAD_STRING, lengthAt, field + " length " + length
                    + " exceeds " + WireFormat.MAX_STRING_BYTES + " bytes");
        }
        if (length == 0 && !allowEmpty) {
            throw new WireFormatException(Reason.BAD_STRING, lengthAt, field + " is empty");
        }
        requireSection(length, lengthAt, field);
        ByteBuffer utf8 = bytes.slice(position, (int) length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate((int) length);
        CoderResult result = decoder.decode(utf8, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            throw new WireFormatException(Reason.BAD_STRING, position + utf8.position(),
                    field + " is not valid UTF-8 (byte " + utf8.position() + " of " + length + ")");
        }
        position += (int) length;
        return chars.flip().toString();
    }

    /** {@code count} int64 values; the caller has checked the section with {@link #requireSection}. */
    long[] i64s(int count) {
        long[] values = new long[count];
        section(count, 8).asLongBuffer().get(values);
        return values;
    }

    /** {@code count} int32 values; the caller has checked the section with {@link #requireSection}. */
    int[] i32s(int count) {
        int[] values = new int[count];
        section(count, 4).asIntBuffer().get(values);
        return values;
    }

    /** {@code count} floats in {@code encoding}, widened to float32; the section has been checked. */
    float[] floats(int count, FloatEncoding encoding) {
        float[] values = new float[count];
        ByteBuffer section = section(count, encoding.bytes());
        if (encoding == FloatEncoding.FLOAT32) {
            section.asFloatBuffer().get(values);
        } else {
            for (int i = 0; i < count; i++) {
                values[i] = Float16.toFloat(section.getShort(2 * i));
            }
        }
        return values;
    }

    /**
     * A checked section of floats (see {@link #floats}) that must all be finite; a NaN or infinity is reported at
     * its own offset, with its row and column in a row-major matrix {@code width} wide.
     */
    float[] finiteFloats(int count, int width, FloatEncoding encoding, String what) throws WireFormatException {
        int at = position;
        float[] values = floats(count, encoding);
        Violation v = WireChecks.nonFinite(values, width, what);
        if (v != null) {
            throw new WireFormatException(Reason.NON_FINITE, at + (long) encoding.bytes() * v.index(), v.message());
        }
        return values;
    }

    /**
     * A checked section of a row-major float matrix ({@code rows x width}, see {@link #floats}) read into one array
     * per row, all finite; a NaN or infinity is reported at its own offset with its row and column.
     */
    float[][] finiteRows(int rows, int width, FloatEncoding encoding, String what) throws WireFormatException {
        int at = position;
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = floats(width, encoding);
        }
        Violation v = WireChecks.nonFiniteRows(out, what);
        if (v != null) {
            throw new WireFormatException(Reason.NON_FINITE, at + (long) encoding.bytes() * v.index(), v.message());
        }
        return out;
    }

    /** Fails unless the cursor is at the end of the record. */
    void expectEnd(String after) throws WireFormatException {
        if (position != end) {
            throw new WireFormatException(Reason.TRAILING_BYTES, position, (end - position)
                    + " bytes after " + after + ", where the record should end (declared length " + end + ")");
        }
    }

    private ByteBuffer section(int count, int elementBytes) {
        int length = Math.multiplyExact(count, elementBytes);
        ByteBuffer section = bytes.slice(position, length).order(ByteOrder.LITTLE_ENDIAN);
        position += length;
        return section;
    }

    private void need(int count, String field) throws WireFormatException {
        if (count > end - position) {
            throw new WireFormatException(Reason.TRUNCATED, end, "record ends at byte " + end + " inside "
                    + field + " (" + count + " bytes at offset " + position + ")");
        }
    }
}
