package io.neurowatch.core.wire;

import io.neurowatch.core.wire.WireFormatException.Reason;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * The fixed 16-byte header shared by every message type: magic, version, message type, float encoding, flags and
 * the record's total length. {@link #peek} lets a consumer of a mixed topic route a record before decoding it.
 * Immutable; thread-safe.
 *
 * @param type which message follows
 * @param encoding element type of the record's floating-point sections
 * @param flags optional sections present ({@code WireFormat.FLAG_*})
 * @param totalLength bytes in the record, header included
 */
public record RecordHeader(MessageType type, FloatEncoding encoding, int flags, int totalLength) {

    /** Whether optional section {@code flag} is present. */
    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * Reads and validates the header of the record in {@code record}'s remaining bytes, including that the
     * declared length matches them. Does not move the buffer's position.
     *
     * @throws WireFormatException for a bad magic, version, type, encoding, flag set or length
     * @throws IllegalArgumentException if {@code maxBytes} is smaller than a header
     */
    public static RecordHeader peek(ByteBuffer record, int maxBytes) throws WireFormatException {
        return read(WireReader.over(record), maxBytes);
    }

    /** Reads the header and ends {@code in} at the declared length, so that no section can read past it. */
    static RecordHeader read(WireReader in, int maxBytes) throws WireFormatException {
        if (maxBytes < WireFormat.HEADER_BYTES) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " is smaller than the "
                    + WireFormat.HEADER_BYTES + "-byte header");
        }
        int available = in.available();
        if (available > maxBytes) {
            throw new WireFormatException(Reason.OVERSIZE, 0, "record of " + available
                    + " bytes exceeds maxBytes " + maxBytes);
        }
        checkMagic(in);
        if (available < WireFormat.HEADER_BYTES) {
            throw new WireFormatException(Reason.TRUNCATED, available, "record ends at byte " + available
                    + " inside the " + WireFormat.HEADER_BYTES + "-byte header");
        }
        in.u32("magic");
        int version = in.u16("version");
        if (version != WireFormat.VERSION) {
            throw new WireFormatException(Reason.UNSUPPORTED_VERSION, WireFormat.OFFSET_VERSION, "format version "
                    + version + "; this decoder reads version " + WireFormat.VERSION);
        }
        int typeCode = in.u8("message type");
        MessageType type = MessageType.ofCode(typeCode);
        if (type == null) {
            throw new WireFormatException(Reason.WRONG_MESSAGE_TYPE, WireFormat.OFFSET_MESSAGE_TYPE,
                    "unknown message type " + typeCode);
        }
        int encodingCode = in.u8("dtype");
        FloatEncoding encoding = FloatEncoding.ofCode(encodingCode);
        if (encoding == null) {
            throw new WireFormatException(Reason.UNSUPPORTED_DTYPE, WireFormat.OFFSET_DTYPE,
                    "unknown float encoding " + encodingCode + " (1 = float32, 2 = float16)");
        }
        long flags = in.u32("flags");
        long unknown = flags & ~(long) allowedFlags(type);
        if (unknown != 0) {
            throw new WireFormatException(Reason.UNKNOWN_FLAGS, WireFormat.OFFSET_FLAGS, "flags 0x"
                    + Long.toHexString(flags) + " set bits 0x" + Long.toHexString(unknown) + " that " + type
                    + " does not define");
        }
        long total = in.u32("total length");
        checkTotalLength(total, available, maxBytes);
        in.endAt((int) total);
        return new RecordHeader(type, encoding, (int) flags, (int) total);
    }

    /** Fails unless the header is of {@code expected}'s type. */
    void expect(MessageType expected) throws WireFormatException {
        if (type != expected) {
            throw new WireFormatException(Reason.WRONG_MESSAGE_TYPE, WireFormat.OFFSET_MESSAGE_TYPE, "message type "
                    + type + " where " + expected + " was expected");
        }
    }

    /** Writes the header. */
    void write(WireWriter out) {
        out.bytes(WireFormat.MAGIC).u16(WireFormat.VERSION).u8(type.code()).u8(encoding.code()).u32(flags)
                .u32(totalLength);
    }

    static int allowedFlags(MessageType type) {
        return switch (type) {
            case ACTIVATION_BATCH -> WireFormat.BATCH_FLAGS;
            case SAMPLE_ANNOTATION -> WireFormat.ANNOTATION_FLAGS;
        };
    }

    private static void checkMagic(WireReader in) throws WireFormatException {
        int n = Math.min(in.available(), WireFormat.MAGIC.length);
        byte[] found = new byte[n];
        for (int i = 0; i < n; i++) {
            found[i] = (byte) in.peekByte(i);
        }
        for (int i = 0; i < n; i++) {
            if (found[i] != WireFormat.MAGIC[i]) {
                throw new WireFormatException(Reason.BAD_MAGIC, 0, "magic bytes 0x"
                        + HexFormat.of().formatHex(found) + ", expected 0x4e574142 (\"NWAB\")");
            }
        }
    }

    private static void checkTotalLength(long total, int available, int maxBytes) throws WireFormatException {
        if (total > maxBytes) {
            throw new WireFormatException(Reason.OVERSIZE, WireFormat.OFFSET_TOTAL_LENGTH, "declared length "
                    + total + " exceeds maxBytes " + maxBytes);
        }
        if (total < WireFormat.HEADER_BYTES) {
            throw new WireFormatException(Reason.SIZE_MISMATCH, WireFormat.OFFSET_TOTAL_LENGTH, "declared length "
                    + total + " is shorter than the header");
        }
        if (total > available) {
            throw new WireFormatException(Reason.TRUNCATED, available, "record ends at byte " + available
                    + ", header declares " + total + " bytes");
        }
        if (total < available) {
            throw new WireFormatException(Reason.TRAILING_BYTES, total, (available - total)
                    + " bytes after the declared record length " + total);
        }
    }
}
