package io.neurowatch.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes one record, little-endian, into an array sized exactly beforehand, so that encoding never copies or
 * grows a buffer. Not thread-safe: one writer per encode call.
 */
final class WireWriter {
    private final ByteBuffer out;

    WireWriter(int size) {
        out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    WireWriter u8(int value) {
        out.put((byte) value);
        return this;
    }

    WireWriter u16(int value) {
        out.putShort((short) value);
        return this;
    }

    WireWriter u32(long value) {
        out.putInt((int) value);
        return this;
    }

    WireWriter i64(long value) {
        out.putLong(value);
        return this;
    }

    WireWriter bytes(byte[] value) {
        out.put(value);
        return this;
    }

    /** A u32 byte length then the bytes: the format's string encoding. */
    WireWriter string(byte[] utf8) {
        return u32(utf8.length).bytes(utf8);
    }

    WireWriter i64s(long[] values) {
        out.asLongBuffer().put(values);
        out.position(out.position() + 8 * values.length);
        return this;
    }

    WireWriter i32s(int[] values) {
        out.asIntBuffer().put(values);
        out.position(out.position() + 4 * values.length);
        return this;
    }

    /** Values in {@code encoding}; float16 values must already be known to be representable. */
    WireWriter floats(float[] values, FloatEncoding encoding) {
        if (encoding == FloatEncoding.FLOAT32) {
            out.asFloatBuffer().put(values);
            out.position(out.position() + 4 * values.length);
        } else {
            for (float v : values) {
                out.putShort(Float16.fromFloat(v));
            }
        }
        return this;
    }

    /** The record; fails if the precomputed size was wrong, which would be a bug in the codec. */
    byte[] finish() {
        if (out.hasRemaining()) {
            throw new IllegalStateException("encoder sized the record " + out.capacity() + " bytes but wrote "
                    + out.position());
        }
        return out.array();
    }
}
