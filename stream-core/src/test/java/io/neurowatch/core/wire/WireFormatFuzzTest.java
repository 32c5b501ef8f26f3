package io.neurowatch.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.neurowatch.core.wire.WireFormatException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated valid records (byte flips, truncations, hostile length fields, insertions, deletions) must only ever be
 * rejected with a {@link WireFormatException} or decode to a record that re-encodes to exactly the same bytes (the
 * encoding is canonical). Any other exception or error, an OutOfMemoryError included, fails the test.
 */
class WireFormatFuzzTest {

    private static final int ITERATIONS = 6000;
    private static final long[] HOSTILE = {0, 1, 2, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 0xFFFFFFF0L, 1 << 20,
        1 << 26, 65535};

    private interface Decoder {
        Object decode(byte[] bytes, int maxBytes) throws WireFormatException;
    }

    private record Target(String name, Decoder decoder, List<byte[]> seeds) {
    }

    @Test
    void mutatedRecordsOnlyEverThrowWireFormatException() {
        Random rnd = new Random(20240611);
        List<byte[]> batches = new ArrayList<>();
        for (int sections = 0; sections < 16; sections++) {
            ActivationBatch batch = ActivationBatchCodecTest.batch(sections, rnd);
            batches.add(ActivationBatchCodec.encode(batch));
            batches.add(ActivationBatchCodec.encode(batch, FloatEncoding.FLOAT16));
        }
        List<byte[]> annotations = List.of(
                SampleAnnotationCodec.encode(SampleAnnotation.of("resnet18", 42, 3, 1, 4)),
                SampleAnnotationCodec.encode(new SampleAnnotation("clip", -7, new int[] {9},
                        new float[] {0.1f, 0.2f, 0.3f}), FloatEncoding.FLOAT16),
                SampleAnnotationCodec.encode(SampleAnnotation.of("m", 0)));
        List<byte[]> everything = new ArrayList<>(batches);
        everything.addAll(annotations);

        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        int accepted = 0;
        List<Target> targets = List.of(
                new Target("batch", ActivationBatchCodec::decode, everything),
                new Target("annotation", SampleAnnotationCodec::decode, everything));
        for (Target target : targets) {
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] seed = target.seeds().get(rnd.nextInt(target.seeds().size()));
                byte[] mutant = mutate(seed, rnd);
                int maxBytes = rnd.nextInt(8) == 0 ? 16 + rnd.nextInt(seed.length + 16) : 1 << 24;
                try {
                    Object decoded = target.decoder().decode(mutant, maxBytes);
                    accepted++;
                    assertArrayEquals(mutant, reencode(decoded, mutant), "decoded record is not canonical");
                } catch (WireFormatException e) {
                    reasons.merge(e.reason(), 1, Integer::sum);
                    assertTrue(e.offset() >= 0 && e.offset() <= mutant.length, e.getMessage());
                } catch (Throwable t) {
                    fail(target.name() + " decoder threw " + t + " for " + HexFormat.of().formatHex(mutant), t);
                }
            }
        }
        System.out.println("fuzz: " + accepted + " accepted, rejections " + reasons);
        assertTrue(accepted > 100, "mutations of float data should often stay valid: " + accepted);
        assertTrue(reasons.size() >= 12, "too few distinct rejection reasons: " + reasons);
    }

    @Test
    void randomBodiesBehindAPlausibleHeaderOnlyThrowWireFormatException() {
        Random rnd = new Random(7);
        for (int i = 0; i < 3000; i++) {
            int length = 16 + rnd.nextInt(200);
            byte[] b = new byte[length];
            rnd.nextBytes(b);
            ByteBuffer header = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            header.put(WireFormat.MAGIC).putShort((short) 1).put((byte) (1 + rnd.nextInt(2)))
                    .put((byte) (1 + rnd.nextInt(2))).putInt(rnd.nextInt(16)).putInt(length);
            // Small counts and lengths so that random bodies reach the later sections.
            for (int at = 16; at + 4 <= length; at += 4) {
                if (rnd.nextInt(3) == 0) {
                    header.putInt(at, rnd.nextInt(6));
                }
            }
            for (Decoder decoder : List.<Decoder>of(ActivationBatchCodec::decode, SampleAnnotationCodec::decode)) {
                try {
                    decoder.decode(b, 1 << 20);
                } catch (WireFormatException expected) {
                    // the only acceptable failure
                } catch (Throwable t) {
                    fail("threw " + t + " for " + HexFormat.of().formatHex(b), t);
                }
            }
        }
    }

    private static byte[] reencode(Object decoded, byte[] original) {
        FloatEncoding encoding = FloatEncoding.ofCode(original[WireFormat.OFFSET_DTYPE]);
        if (decoded instanceof ActivationBatch batch) {
            return ActivationBatchCodec.encode(batch, encoding);
        }
        return SampleAnnotationCodec.encode((SampleAnnotation) decoded, encoding);
    }

    private static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        int kind = rnd.nextInt(7);
        switch (kind) {
            case 0 -> flip(b, rnd, 1 + rnd.nextInt(4), b.length);
            case 1 -> flip(b, rnd, 1, Math.min(b.length, WireFormat.HEADER_BYTES + 24));
            case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
            case 3 -> hostileU32(b, rnd);
            case 4 -> {
                hostileU32(b, rnd);
                b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            }
            case 5 -> b = insertOrDelete(b, rnd);
            default -> {
                flip(b, rnd, 1 + rnd.nextInt(3), b.length);
                hostileU32(b, rnd);
            }
        }
        return b;
    }

    private static void flip(byte[] b, Random rnd, int count, int within) {
        for (int i = 0; i < count && within > 0; i++) {
            b[rnd.nextInt(within)] = (byte) rnd.nextInt(256);
        }
    }

    private static void hostileU32(byte[] b, Random rnd) {
        if (b.length < 4) {
            return;
        }
        int at = rnd.nextInt(b.length - 3);
        long value = rnd.nextBoolean() ? HOSTILE[rnd.nextInt(HOSTILE.length)] : rnd.nextInt() & 0xFFFFFFFFL;
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) value);
    }

    private static byte[] insertOrDelete(byte[] b, Random rnd) {
        int at = rnd.nextInt(b.length);
        if (rnd.nextBoolean()) {
            byte[] out = new byte[b.length + 1];
            System.arraycopy(b, 0, out, 0, at);
            out[at] = (byte) rnd.nextInt(256);
            System.arraycopy(b, at, out, at + 1, b.length - at);
            return out;
        }
        byte[] out = new byte[b.length - 1];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + 1, out, at, b.length - at - 1);
        return out;
    }
}
