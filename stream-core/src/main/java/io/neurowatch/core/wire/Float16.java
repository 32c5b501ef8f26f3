package io.neurowatch.core.wire;

/**
 * IEEE 754 binary16 conversions. Java 17 has no {@code Float.float16ToFloat} (added in Java 20), and the conversions
 * must agree bit for bit with numpy's {@code astype(np.float16)} so that a float16 record means the same on both
 * sides. Stateless; thread-safe.
 */
public final class Float16 {

    /** Largest finite binary16 value. */
    public static final float MAX_VALUE = 65504f;

    private Float16() {
    }

    /** Widens a binary16 bit pattern to float32; exact for every value, NaN payloads kept. */
    public static float toFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Subnormal halves are mantissa * 2^-24; the product is exact in float32.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13));
    }

    /**
     * Narrows a float32 to binary16 with round-to-nearest-even, as numpy does: magnitudes of 65520 and above become
     * infinity, tiny ones become subnormals or signed zero.
     */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            int nan = mantissa == 0 ? 0 : 0x200 | (mantissa >>> 13);
            return (short) (sign | 0x7c00 | nan);
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (halfExponent <= 0) {
            // Below 2^-25 even the largest float32 significand rounds to zero.
            if (halfExponent < -10) {
                return (short) sign;
            }
            int significand = mantissa | 0x800000;
            // A carry out of the subnormal mantissa lands in the exponent field: the smallest normal, as it should.
            return (short) (sign | roundShift(significand, 14 - halfExponent));
        }
        // A carry out of the mantissa increments the exponent, and out of exponent 30 gives infinity: both correct.
        int shifted = (halfExponent << 10) | (mantissa >>> 13);
        int remainder = mantissa & 0x1fff;
        if (remainder > 0x1000 || (remainder == 0x1000 && (shifted & 1) != 0)) {
            shifted++;
        }
        return (short) (sign | shifted);
    }

    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int remainder = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (remainder > half || (remainder == half && (kept & 1) != 0)) {
            kept++;
        }
        return kept;
    }
}
