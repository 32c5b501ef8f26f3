package io.neurowatch.core.wire;

import java.io.IOException;
import java.util.Objects;

/**
 * A byte sequence that is not a valid Neurowatch wire record. Carries a machine-readable {@link Reason} and the byte
 * offset, counted from the first byte of the record, at which the problem was found, so that a consumer can count
 * rejects by reason and a producer's author can find the bad field with a hex dump.
 *
 * <p>It is an {@link IOException} because a bad record is bad input from another process, which callers must handle
 * (skip, dead-letter), not a programming error. Immutable and thread-safe.
 */
public final class WireFormatException extends IOException {

    /** Why a record was rejected. See docs/wire-format.md for the offset each reason reports. */
    public enum Reason {
        /** The first four bytes are not {@code "NWAB"}. */
        BAD_MAGIC,
        /** The format version is not one this decoder reads. */
        UNSUPPORTED_VERSION,
        /** The message type byte is unknown or belongs to another codec (e.g. an annotation on the batch topic). */
        WRONG_MESSAGE_TYPE,
        /** The floating-point element type code is unknown. */
        UNSUPPORTED_DTYPE,
        /** A flag bit is set that this version does not define for this message type. */
        UNKNOWN_FLAGS,
        /** The record, or the length its header declares, exceeds the decoder's {@code maxBytes}. */
        OVERSIZE,
        /** The bytes end before the header, before the declared record length, or inside a fixed-size field. */
        TRUNCATED,
        /** A declared length or count needs more bytes than the record has left. */
        SIZE_MISMATCH,
        /** Bytes remain after the last section, or beyond the header's declared record length. */
        TRAILING_BYTES,
        /** A dimension (batch size B, features D, similarity width M) is zero or above the format's limit. */
        BAD_DIMENSION,
        /** The feature shape has a bad rank, a non-positive extent, or a product other than D. */
        SHAPE_MISMATCH,
        /** An activation or similarity value is NaN or infinite. */
        NON_FINITE,
        /** Concept labels are malformed: CSR offsets not starting at 0, decreasing or not ending at nnz; a negative
         *  concept id; a concept repeated within one sample. */
        BAD_LABELS,
        /** The same sample id occurs twice in one batch. */
        DUPLICATE_SAMPLE_ID,
        /** A string is not valid UTF-8, is too long, or is empty where a value is required. */
        BAD_STRING
    }

    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final long offset;

    /**
     * @param reason why the record was rejected
     * @param offset byte offset from the start of the record where the problem was found
     * @param detail human-readable detail; the message is prefixed with the reason and offset
     */
    public WireFormatException(Reason reason, long offset, String detail) {
        super(Objects.requireNonNull(reason, "reason") + " at offset " + offset + ": " + detail);
        this.reason = reason;
        this.offset = offset;
    }

    /** Why the record was rejected. */
    public Reason reason() {
        return reason;
    }

    /** Byte offset, from the start of the record, of the field or element that is wrong. */
    public long offset() {
        return offset;
    }
}
