package io.neurowatch.core.wire;

/**
 * Element type of every floating-point section of a record (activations, similarities), identified by the header
 * byte at offset 7. Decoders always return float32; float16 is widened exactly. Thread-safe.
 */
public enum FloatEncoding {
    /** IEEE 754 binary32, little-endian ({@code numpy '<f4'}). */
    FLOAT32(1, 4),
    /** IEEE 754 binary16, little-endian ({@code numpy '<f2'}): half the bytes, about 3 significant digits. */
    FLOAT16(2, 2);

    private final int code;
    private final int bytes;

    FloatEncoding(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The header byte. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The encoding with header byte {@code code}, or null if none. */
    public static FloatEncoding ofCode(int code) {
        for (FloatEncoding e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }
}
