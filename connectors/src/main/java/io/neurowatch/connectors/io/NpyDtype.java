package io.neurowatch.connectors.io;

import java.nio.ByteOrder;

/**
 * The NPY element types Neurowatch reads and writes. Each maps to one Java array type in {@link NpyArray}.
 *
 * <p>Immutable.
 */
public enum NpyDtype {
    /** numpy {@code bool}, one byte 0/1; held as {@code boolean[]}. */
    BOOL("b1", 1),
    /** held as {@code byte[]}; read unsigned by the conversions. */
    UINT8("u1", 1),
    /** held as {@code byte[]}. */
    INT8("i1", 1),
    /** held as {@code int[]}. */
    INT32("i4", 4),
    /** held as {@code long[]}. */
    INT64("i8", 8),
    /** held as the raw IEEE half bits in a {@code short[]} so that a round trip is exact. */
    FLOAT16("f2", 2),
    /** held as {@code float[]}. */
    FLOAT32("f4", 4),
    /** held as {@code double[]}. */
    FLOAT64("f8", 8);

    private final String code;
    private final int itemSize;

    NpyDtype(String code, int itemSize) {
        this.code = code;
        this.itemSize = itemSize;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** The numpy type code without the byte-order character, e.g. {@code f4}. */
    public String code() {
        return code;
    }

    /** The numpy {@code descr} string as written in a header, e.g. {@code <f4} or {@code |u1}. */
    public String descr(ByteOrder order) {
        if (itemSize == 1) {
            return "|" + code;
        }
        return (order == ByteOrder.BIG_ENDIAN ? ">" : "<") + code;
    }

    /** The dtype for a type code without byte-order character, or null if Neurowatch does not support it. */
    static NpyDtype fromCode(String code) {
        for (NpyDtype t : values()) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        return null;
    }

    /** The Java array class that holds data of this dtype. */
    Class<?> arrayClass() {
        return switch (this) {
            case BOOL -> boolean[].class;
            case UINT8, INT8 -> byte[].class;
            case INT32 -> int[].class;
            case INT64 -> long[].class;
            case FLOAT16 -> short[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
        };
    }

    /** Converts IEEE 754 half-precision bits to float (exact: every half value is a float). */
    static float halfToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal half: value = mant * 2^-24, exactly representable as a normal float.
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
