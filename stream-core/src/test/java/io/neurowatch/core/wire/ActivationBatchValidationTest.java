package io.neurowatch.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.core.wire.WireFormatException.Reason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every rejection of the batch decoder: reason, byte offset and a message naming the problem. */
class ActivationBatchValidationTest {

    static WireFormatException reject(byte[] bytes, int maxBytes, Reason reason, long offset, String... fragments) {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> ActivationBatchCodec.decode(bytes, maxBytes));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().startsWith(reason + " at offset " + offset + ": "), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' not in: " + e.getMessage());
        }
        return e;
    }

    static WireFormatException reject(byte[] bytes, Reason reason, long offset, String... fragments) {
        return reject(bytes, 1 << 20, reason, offset, fragments);
    }

    private static byte[] valid() {
        return new RawBatch().bytes();
    }

    @Test
    void aRecordWithoutTheMagicIsBadMagic() {
        byte[] b = valid();
        b[3] = 'X';
        reject(b, Reason.BAD_MAGIC, 0, "0x4e574158", "NWAB");
        reject(new byte[] {'N', 'X'}, Reason.BAD_MAGIC, 0, "0x4e58");
        reject("{\"json\": true}".getBytes(), Reason.BAD_MAGIC, 0);
    }

    @Test
    void truncatedHeader() {
        reject(new byte[0], Reason.TRUNCATED, 0, "inside the 16-byte header");
        reject(Arrays.copyOf(valid(), 3), Reason.TRUNCATED, 3, "record ends at byte 3");
        reject(Arrays.copyOf(valid(), 15), Reason.TRUNCATED, 15);
    }

    @Test
    void unsupportedVersion() {
        byte[] b = valid();
        b[4] = 2;
        reject(b, Reason.UNSUPPORTED_VERSION, 4, "format version 2", "reads version 1");
        b[4] = 0;
        b[5] = 1;
        reject(b, Reason.UNSUPPORTED_VERSION, 4, "format version 256");
    }

    @Test
    void wrongOrUnknownMessageType() {
        byte[] annotation = SampleAnnotationCodec.encode(SampleAnnotation.of("m", 1, 2));
        reject(annotation, Reason.WRONG_MESSAGE_TYPE, 6, "SAMPLE_ANNOTATION where ACTIVATION_BATCH");
        byte[] b = valid();
        b[6] = 9;
        reject(b, Reason.WRONG_MESSAGE_TYPE, 6, "unknown message type 9");
    }

    @Test
    void unsupportedDtype() {
        byte[] b = valid();
        b[7] = 3;
        reject(b, Reason.UNSUPPORTED_DTYPE, 7, "unknown float encoding 3");
    }

    @Test
    void unknownFlagBitsAreRejected() {
        RawBatch raw = new RawBatch();
        raw.flags = WireFormat.BATCH_FLAGS | 1 << 4;
        reject(raw.bytes(), Reason.UNKNOWN_FLAGS, 8, "0x1f", "bits 0x10");
        raw.flags = 0x80000000;
        reject(raw.bytes(), Reason.UNKNOWN_FLAGS, 8, "bits 0x80000000");
    }

    @Test
    void oversizeRecordOrDeclaredLength() {
        byte[] b = valid();
        reject(b, b.length - 1, Reason.OVERSIZE, 0, "record of " + b.length + " bytes exceeds maxBytes "
                + (b.length - 1));
        byte[] declared = new RawBatch().write().totalLength(0xFFFFFFF0L).bytes();
        reject(declared, Reason.OVERSIZE, 12, "declared length 4294967280 exceeds maxBytes 1048576");
        assertThrows(IllegalArgumentException.class, () -> ActivationBatchCodec.decode(b, 15));
    }

    @Test
    void truncatedRecord() {
        byte[] b = valid();
        for (int cut : new int[] {16, 20, 40, b.length - 1}) {
            reject(Arrays.copyOf(b, cut), Reason.TRUNCATED, cut, "record ends at byte " + cut,
                    "header declares " + b.length);
        }
    }

    @Test
    void fixedFieldRunningPastTheDeclaredEndIsTruncated() {
        // A self-consistent record (declared length = bytes) that ends inside the D field.
        RawRecord r = RawRecord.header(1, 1, 0).string("m").string("v").string("l").u32(1).u16(0);
        reject(r.bytes(), Reason.TRUNCATED, r.size(), "inside features D", "4 bytes at offset " + (r.size() - 2));
    }

    @Test
    void declaredLengthShorterThanHeader() {
        reject(new RawBatch().write().totalLength(15).bytes(), Reason.SIZE_MISMATCH, 12, "shorter than the header");
    }

    @Test
    void declaredSizesInconsistentWithRemainingBytes() {
        RawBatch raw = new RawBatch().minimal();
        RawRecord r = raw.write();
        byte[] b = r.bytes();
        // String length beyond the record.
        writeU32(b, r.at("layer"), 900);
        reject(b, Reason.SIZE_MISMATCH, r.at("layer"), "layer needs 900 bytes");

        // B and D within limits but far more than the bytes present: checked before any allocation.
        raw.b = (long) WireFormat.MAX_BATCH_SIZE;
        r = raw.write();
        reject(r.bytes(), Reason.SIZE_MISMATCH, r.at("B"), "sample ids of B = 1048576 samples needs 8388608 bytes");
        raw = new RawBatch().minimal();
        raw.d = 1000L;
        r = raw.write();
        reject(r.bytes(), Reason.SIZE_MISMATCH, r.at("B"), "activations [B, D] = [3, 1000] of FLOAT32 needs 12000");

        // Label count beyond the record.
        raw = new RawBatch();
        raw.labelCount = 0xFFFFFFFFL;
        r = raw.write();
        reject(r.bytes(), Reason.SIZE_MISMATCH, r.at("labelCount"), "4294967295 concept ids");

        // Similarity width beyond the record.
        raw = new RawBatch();
        raw.similarityWidth = 5000;
        r = raw.write();
        reject(r.bytes(), Reason.SIZE_MISMATCH, r.at("similarityWidth"), "similarities [B, M] = [3, 5000]");

        // Timestamps flagged but missing (the flag claims a section the producer did not write).
        raw = new RawBatch().minimal();
        raw.flags = WireFormat.FLAG_TIMESTAMPS;
        r = raw.write();
        reject(r.bytes(), Reason.SIZE_MISMATCH, r.at("B"), "timestamps of B = 3 samples needs 24 bytes");
    }

    @Test
    void bytesAfterTheLastSectionAreRejected() {
        byte[] b = valid();
        byte[] longer = Arrays.copyOf(b, b.length + 3);
        reject(longer, Reason.TRAILING_BYTES, b.length, "3 bytes after the declared record length " + b.length);
        RawBatch raw = new RawBatch();
        raw.similarities = null;
        raw.flags = WireFormat.FLAG_FEATURE_SHAPE | WireFormat.FLAG_TIMESTAMPS | WireFormat.FLAG_LABELS;
        RawRecord r = raw.write().u32(99);
        reject(r.bytes(), Reason.TRAILING_BYTES, r.size() - 4, "4 bytes after the last section");
    }

    @Test
    void zeroOrAbsurdDimensions() {
        RawBatch raw = new RawBatch();
        raw.b = 0L;
        RawRecord r = raw.write();
        reject(r.bytes(), Reason.BAD_DIMENSION, r.at("B"), "batch size B is 0, must be in [1, 1048576]");
        raw = new RawBatch();
        raw.d = 0L;
        r = raw.write();
        reject(r.bytes(), Reason.BAD_DIMENSION, r.at("D"), "features D is 0");
        raw = new RawBatch();
        raw.b = 0xFFFFFFFFL;
        r = raw.write();
        reject(r.bytes(), Reason.BAD_DIMENSION, r.at("B"), "batch size B is 4294967295");
        raw = new RawBatch();
        raw.d = WireFormat.MAX_FEATURES + 1L;
        r = raw.write();
        reject(r.bytes(), Reason.BAD_DIMENSION, r.at("D"), "features D is 67108865");
        raw = new RawBatch();
        raw.b = (long) WireFormat.MAX_BATCH_SIZE;
        raw.d = (long) WireFormat.MAX_FEATURES;
        r = raw.write();
        reject(r.bytes(), Reason.BAD_DIMENSION, r.at("B"), "[1048576, 67108864] have more than");
        raw = new RawBatch();
        raw.similarityWidth = 0;
        r = raw.write();
        reject(r.bytes(), Reason.BAD_DIMENSION, r.at("similarityWidth"), "similarity width M is 0");
    }

    @Test
    void badFeatureShape() {
        RawBatch raw = new RawBatch();
        raw.shape = new int[] {2, 3};
        RawRecord r = raw.write();
        reject(r.bytes(), Reason.SHAPE_MISMATCH, r.at("shape"), "feature shape [2, 3] has 6 elements, but D is 4");
        raw.shape = new int[] {4, -1, -1};
        r = raw.write();
        reject(r.bytes(), Reason.SHAPE_MISMATCH, r.at("shape") + 8, "extent 1 is -1");
        raw.shape = new int[0];
        r = raw.write();
        reject(r.bytes(), Reason.SHAPE_MISMATCH, r.at("shape"), "rank 0 is outside [1, 8]");
        raw.shape = new int[] {1, 1, 1, 1, 1, 1, 1, 1, 4};
        r = raw.write();
        reject(r.bytes(), Reason.SHAPE_MISMATCH, r.at("shape"), "rank 9");
        raw.shape = new int[] {65536, 65536, 65536, 65536, 65536, 65536, 65536, 65536};
        r = raw.write();
        reject(r.bytes(), Reason.SHAPE_MISMATCH, r.at("shape"), "more than 2147483647 elements");
    }

    @Test
    void nonFiniteActivationsNameRowAndColumn() {
        RawBatch raw = new RawBatch();
        raw.activations[1 * 4 + 2] = Float.NaN;
        RawRecord r = raw.write();
        reject(r.bytes(), Reason.NON_FINITE, r.at("activations") + 4 * 6, "non-finite activation NaN at row 1, column 2");
        raw = new RawBatch();
        raw.activations[11] = Float.NEGATIVE_INFINITY;
        r = raw.write();
        reject(r.bytes(), Reason.NON_FINITE, r.at("activations") + 44, "-Infinity at row 2, column 3");
    }

    @Test
    void nonFiniteFloat16AndSimilarityValues() {
        RawBatch raw = new RawBatch();
        raw.dtype = FloatEncoding.FLOAT16.code();
        raw.activations[5] = Float.POSITIVE_INFINITY;
        RawRecord r = raw.write();
        reject(r.bytes(), Reason.NON_FINITE, r.at("activations") + 2 * 5, "Infinity at row 1, column 1");
        raw = new RawBatch();
        raw.similarities[3] = Float.NaN;
        r = raw.write();
        reject(r.bytes(), Reason.NON_FINITE, r.at("similarities") + 12, "non-finite similarity NaN at row 1, column 1");
    }

    @Test
    void malformedLabelSectionsAreBadLabels() {
        RawBatch raw = new RawBatch();
        raw.labelConcepts = new int[] {4, -3, 7};
        RawRecord r = raw.write();
        reject(r.bytes(), Reason.BAD_LABELS, r.at("labelConcepts") + 4, "negative concept id -3 in sample row 0");

        raw = new RawBatch();
        raw.labelOffsets = new int[] {0, 2, 1, 3};
        r = raw.write();
        reject(r.bytes(), Reason.BAD_LABELS, r.at("labelOffsets") + 8, "offsets decrease at index 2: 2 then 1");

        raw = new RawBatch();
        raw.labelOffsets = new int[] {1, 2, 2, 3};
        r = raw.write();
        reject(r.bytes(), Reason.BAD_LABELS, r.at("labelOffsets"), "offsets[0] is 1, must be 0");

        raw = new RawBatch();
        raw.labelOffsets = new int[] {0, 1, 2, 2};
        r = raw.write();
        reject(r.bytes(), Reason.BAD_LABELS, r.at("labelOffsets") + 12,
                "offsets[3] is 2, must equal the number of concept ids 3");

        raw = new RawBatch();
        raw.labelConcepts = new int[] {4, 4, 7};
        r = raw.write();
        reject(r.bytes(), Reason.BAD_LABELS, r.at("labelConcepts") + 4, "concept id 4 repeated in sample row 0");

        raw = new RawBatch();
        raw.labelOffsets = new int[] {0, 2, Integer.MIN_VALUE, 3};
        r = raw.write();
        reject(r.bytes(), Reason.BAD_LABELS, r.at("labelOffsets") + 8, "decrease");
    }

    @Test
    void duplicateSampleIdsNameBothRows() {
        RawBatch raw = new RawBatch();
        raw.sampleIds = new long[] {42, 7, 42};
        RawRecord r = raw.write();
        reject(r.bytes(), Reason.DUPLICATE_SAMPLE_ID, r.at("sampleIds") + 16, "sample id 42 occurs at rows 0 and 2");
    }

    @Test
    void malformedOrOversizedNamesAreRejected() {
        RawBatch raw = new RawBatch();
        raw.modelId = "";
        RawRecord r = raw.write();
        reject(r.bytes(), Reason.BAD_STRING, r.at("modelId"), "model id is empty");

        raw = new RawBatch();
        raw.layer = "";
        r = raw.write();
        reject(r.bytes(), Reason.BAD_STRING, r.at("layer"), "layer is empty");

        raw = new RawBatch();
        raw.modelVersion = "x".repeat(WireFormat.MAX_STRING_BYTES + 1);
        r = raw.write();
        reject(r.bytes(), Reason.BAD_STRING, r.at("modelVersion"), "length 1025 exceeds 1024 bytes");

        raw = new RawBatch();
        raw.modelId = "abcd";
        r = raw.write();
        byte[] b = r.bytes();
        b[r.at("modelId") + 4 + 2] = (byte) 0xFF;
        reject(b, Reason.BAD_STRING, r.at("modelId") + 4 + 2, "model id is not valid UTF-8 (byte 2 of 4)");

        // An overlong encoding of '/' is a classic smuggling trick; strict decoding refuses it.
        b = r.bytes();
        b[r.at("modelId") + 4 + 2] = (byte) 0xC0;
        b[r.at("modelId") + 4 + 3] = (byte) 0xAF;
        reject(b, Reason.BAD_STRING, r.at("modelId") + 4 + 2, "not valid UTF-8");
    }

    @Test
    void firstProblemWinsInLayoutOrder() {
        RawBatch raw = new RawBatch();
        raw.sampleIds = new long[] {1, 1, 2};
        raw.activations[0] = Float.NaN;
        raw.labelConcepts = new int[] {-1, 1, 7};
        RawRecord r = raw.write();
        reject(r.bytes(), Reason.DUPLICATE_SAMPLE_ID, r.at("sampleIds") + 8);
    }

    private static void writeU32(byte[] b, int at, int value) {
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    }
}
