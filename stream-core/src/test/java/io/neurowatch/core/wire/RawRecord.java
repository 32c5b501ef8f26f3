package io.neurowatch.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Test-side writer of raw records, field by field, straight from the layout table in docs/wire-format.md. It
 * performs no validation, so tests can write every kind of invalid record, and it remembers where each named field
 * starts so that tests can assert exact error offsets.
 */
final class RawRecord {
    private ByteBuffer out = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    private final Map<String, Integer> marks = new HashMap<>();
    private Long totalLengthOverride;

    /** Writes a header whose total length is patched in by {@link #bytes()}. */
    static RawRecord header(int messageType, int dtype, int flags) {
        RawRecord r = new RawRecord();
        r.bytes(WireFormat.MAGIC).u16(WireFormat.VERSION).u8(messageType).u8(dtype).u32(flags).u32(0);
        return r;
    }

    RawRecord mark(String name) {
        marks.put(name, out.position());
        return this;
    }

    int at(String name) {
        Integer at = marks.get(name);
        if (at == null) {
            throw new IllegalArgumentException("no mark " + name + " in " + marks.keySet());
        }
        return at;
    }

    int size() {
        return out.position();
    }

    /** Declares this total length instead of the real one. */
    RawRecord totalLength(long declared) {
        totalLengthOverride = declared;
        return this;
    }

    RawRecord u8(int v) {
        room(1).put((byte) v);
        return this;
    }

    RawRecord u16(int v) {
        room(2).putShort((short) v);
        return this;
    }

    RawRecord u32(long v) {
        room(4).putInt((int) v);
        return this;
    }

    RawRecord i64(long v) {
        room(8).putLong(v);
        return this;
    }

    RawRecord bytes(byte[] v) {
        room(v.length).put(v);
        return this;
    }

    RawRecord string(String v) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        return u32(b.length).bytes(b);
    }

    RawRecord i32s(int... v) {
        for (int x : v) {
            room(4).putInt(x);
        }
        return this;
    }

    RawRecord i64s(long... v) {
        for (long x : v) {
            i64(x);
        }
        return this;
    }

    RawRecord f32s(float... v) {
        for (float x : v) {
            room(4).putFloat(x);
        }
        return this;
    }

    RawRecord f16s(short... v) {
        for (short x : v) {
            room(2).putShort(x);
        }
        return this;
    }

    byte[] bytes() {
        byte[] b = Arrays.copyOf(out.array(), out.position());
        long total = totalLengthOverride != null ? totalLengthOverride : b.length;
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(WireFormat.OFFSET_TOTAL_LENGTH, (int) total);
        return b;
    }

    private ByteBuffer room(int n) {
        if (out.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(2 * out.capacity(), out.position() + n))
                    .order(ByteOrder.LITTLE_ENDIAN);
            bigger.put(out.array(), 0, out.position());
            out = bigger;
        }
        return out;
    }
}
