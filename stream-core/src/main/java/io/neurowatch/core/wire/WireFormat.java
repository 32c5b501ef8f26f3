package io.neurowatch.core.wire;

/**
 * Constants of the Neurowatch wire format, version 1: header layout, flag bits and the limits every decoder enforces.
 * The byte layout itself is specified in docs/wire-format.md; a change here is a change of that document.
 *
 * <p>Holds only constants; thread-safe.
 */
public final class WireFormat {

    /** {@code "NWAB"}: first four bytes of every record of the family. */
    public static final byte[] MAGIC = {'N', 'W', 'A', 'B'};
    /** The only version this code reads and writes. */
    public static final int VERSION = 1;
    /** Bytes before the first body field: magic 4, version 2, message type 1, dtype 1, flags 4, total length 4. */
    public static final int HEADER_BYTES = 16;

    /** Header field offsets, used in error offsets and by tests. */
    public static final int OFFSET_VERSION = 4;
    public static final int OFFSET_MESSAGE_TYPE = 6;
    public static final int OFFSET_DTYPE = 7;
    public static final int OFFSET_FLAGS = 8;
    public static final int OFFSET_TOTAL_LENGTH = 12;

    /**
     * Optional-section flags. Sections follow the required body in increasing bit order, so a producer writes them
     * in the order their bits are numbered.
     */
    public static final int FLAG_FEATURE_SHAPE = 1;
    public static final int FLAG_TIMESTAMPS = 1 << 1;
    public static final int FLAG_LABELS = 1 << 2;
    public static final int FLAG_SIMILARITY = 1 << 3;

    /** Flags an activation batch may carry. */
    public static final int BATCH_FLAGS = FLAG_FEATURE_SHAPE | FLAG_TIMESTAMPS | FLAG_LABELS | FLAG_SIMILARITY;
    /** Flags a sample annotation may carry. */
    public static final int ANNOTATION_FLAGS = FLAG_SIMILARITY;

    /**
     * Limits that hold whatever {@code maxBytes} a decoder is given; they reject garbage that happens to be
     * self-consistent and keep every array index an {@code int}.
     */
    public static final int MAX_STRING_BYTES = 1024;
    public static final int MAX_BATCH_SIZE = 1 << 20;
    public static final int MAX_FEATURES = 1 << 26;
    public static final int MAX_SIMILARITY_WIDTH = 1 << 20;
    public static final int MAX_FEATURE_RANK = 8;
    /** Largest matrix (B·D or B·M elements): the largest Java array index range that every JVM allocates. */
    public static final long MAX_MATRIX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** Default record size limit of the decoders: 64 MiB, well above Kafka's 1 MB default message size. */
    public static final int DEFAULT_MAX_BYTES = 64 << 20;

    private WireFormat() {
    }
}
