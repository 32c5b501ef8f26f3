package io.neurowatch.core.wire;

import io.neurowatch.core.wire.WireFormatException.Reason;
import java.nio.ByteBuffer;

/**
 * Encodes and decodes {@link ActivationBatch} records (message type 1) of wire format version 1; the layout is
 * specified in docs/wire-format.md.
 *
 * <p>Decoding validates everything before it builds the batch and reports the first problem as a
 * {@link WireFormatException} with its reason and byte offset. Whatever the input, a decode allocates at most about
 * twice the input's size (float16 widens to float32) and throws no other exception. Stateless; thread-safe.
 */
public final class ActivationBatchCodec {

    private ActivationBatchCodec() {
    }

    /** Encodes with float32 activations and similarities. */
    public static byte[] encode(ActivationBatch batch) {
        return encode(batch, FloatEncoding.FLOAT32);
    }

    /**
     * Encodes {@code batch}, writing its floating-point sections in {@code encoding}. Float16 halves the record but
     * keeps about three significant digits.
     *
     * @throws IllegalArgumentException if {@code encoding} is float16 and a value's magnitude rounds above
     *     65504 (it would become infinite), naming the section, row and column; or if the record would exceed
     *     2 GiB
     */
    public static byte[] encode(ActivationBatch batch, FloatEncoding encoding) {
        float[] activations = batch.activations();
        float[] similarities = batch.similarities();
        int[] shape = batch.featureShape();
        long[] timestamps = batch.timestampsMillis();
        ConceptLabels labels = batch.labels();
        if (encoding == FloatEncoding.FLOAT16) {
            requireHalfRange(activations, batch.features(), "activation");
            if (similarities != null) {
                requireHalfRange(similarities, batch.similarityWidth(), "similarity");
            }
        }
        byte[] modelId = WireChecks.utf8(batch.modelId());
        byte[] version = WireChecks.utf8(batch.modelVersion());
        byte[] layer = WireChecks.utf8(batch.layer());
        int b = batch.batchSize();
        int flags = 0;
        long size = WireFormat.HEADER_BYTES + 12L + modelId.length + version.length + layer.length + 8 + 8L * b
                + (long) encoding.bytes() * activations.length;
        if (shape != null) {
            flags |= WireFormat.FLAG_FEATURE_SHAPE;
            size += 4 + 4L * shape.length;
        }
        if (timestamps != null) {
            flags |= WireFormat.FLAG_TIMESTAMPS;
            size += 8L * b;
        }
        if (labels != null) {
            flags |= WireFormat.FLAG_LABELS;
            size += 4 + 4L * (b + 1) + 4L * labels.count();
        }
        if (similarities != null) {
            flags |= WireFormat.FLAG_SIMILARITY;
            size += 4 + (long) encoding.bytes() * similarities.length;
        }
        if (size > WireFormat.MAX_MATRIX_ELEMENTS) {
            throw new IllegalArgumentException("encoded batch would take " + size + " bytes, more than a Java array"
                    + " (and a Kafka record) can hold");
        }
        WireWriter out = new WireWriter((int) size);
        new RecordHeader(MessageType.ACTIVATION_BATCH, encoding, flags, (int) size).write(out);
        out.string(modelId).string(version).string(layer).u32(b).u32(batch.features());
        out.i64s(batch.sampleIds()).floats(activations, encoding);
        if (shape != null) {
            out.u32(shape.length).i32s(shape);
        }
        if (timestamps != null) {
            out.i64s(timestamps);
        }
        if (labels != null) {
            out.u32(labels.count()).i32s(labels.offsets()).i32s(labels.conceptIds());
        }
        if (similarities != null) {
            out.u32(batch.similarityWidth()).floats(similarities, encoding);
        }
        return out.finish();
    }

    /**
     * Decodes a record with the default limit {@link WireFormat#DEFAULT_MAX_BYTES}.
     *
     * @throws WireFormatException if the bytes are not a valid activation batch record
     */
    public static ActivationBatch decode(byte[] record) throws WireFormatException {
        return decode(record, WireFormat.DEFAULT_MAX_BYTES);
    }

    /**
     * Decodes one record occupying all of {@code record}.
     *
     * @param maxBytes records (or declared lengths) above this many bytes are rejected as {@code OVERSIZE}
     * @throws WireFormatException if the bytes are not a valid activation batch record
     * @throws IllegalArgumentException if {@code maxBytes} is smaller than the 16-byte header
     */
    public static ActivationBatch decode(byte[] record, int maxBytes) throws WireFormatException {
        return decode(ByteBuffer.wrap(record), maxBytes);
    }

    /**
     * Decodes one record occupying the buffer's remaining bytes (as Kafka's {@code ByteBufferDeserializer} hands
     * it over); the buffer's position is not changed. Offsets in exceptions count from the buffer's position.
     *
     * @throws WireFormatException if the bytes are not a valid activation batch record
     * @throws IllegalArgumentException if {@code maxBytes} is smaller than the 16-byte header
     */
    public static ActivationBatch decode(ByteBuffer record, int maxBytes) throws WireFormatException {
        return decodeWithRows(record, maxBytes).batch();
    }

    /**
     * A decoded batch and its activations as one array per sample.
     *
     * @param rows the batch's own row arrays, not copies: a consumer that owns the record (nobody else decoded
     *     it) may keep them instead of copying each row, but must never write to them
     */
    public record Decoded(ActivationBatch batch, float[][] rows) {
    }

    /**
     * As {@link #decode(ByteBuffer, int)}, also handing out the decoded rows without a copy (see {@link Decoded}):
     * for the analyzer, which would otherwise copy every record's activations once more.
     *
     * @throws WireFormatException if the bytes are not a valid activation batch record
     */
    public static Decoded decodeWithRows(ByteBuffer record, int maxBytes) throws WireFormatException {
        ActivationBatch batch = read(record, maxBytes);
        return new Decoded(batch, batch.sharedRows());
    }

    private static ActivationBatch read(ByteBuffer record, int maxBytes) throws WireFormatException {
        WireReader in = WireReader.over(record);
        RecordHeader header = RecordHeader.read(in, maxBytes);
        header.expect(MessageType.ACTIVATION_BATCH);
        FloatEncoding encoding = header.encoding();

        String modelId = in.string("model id", false);
        String modelVersion = in.string("model version", true);
        String layer = in.string("layer", false);
        int batchAt = in.position();
        int batch = in.dimension("batch size B", WireFormat.MAX_BATCH_SIZE);
        int features = in.dimension("features D", WireFormat.MAX_FEATURES);
        long cells = (long) batch * features;
        if (cells > WireFormat.MAX_MATRIX_ELEMENTS) {
            throw new WireFormatException(Reason.BAD_DIMENSION, batchAt, "activations [" + batch + ", " + features
                    + "] have more than " + WireFormat.MAX_MATRIX_ELEMENTS + " elements");
        }

        in.requireSection(8L * batch, batchAt, "sample ids of B = " + batch + " samples");
        int idsAt = in.position();
        long[] sampleIds = in.i64s(batch);
        Violation duplicate = WireChecks.duplicateSampleId(sampleIds);
        if (duplicate != null) {
            throw new WireFormatException(Reason.DUPLICATE_SAMPLE_ID, idsAt + 8L * duplicate.index(),
                    duplicate.message());
        }

        in.requireSection(cells * encoding.bytes(), batchAt, "activations [B, D] = [" + batch + ", " + features
                + "] of " + encoding);
        float[][] activations = in.finiteRows(batch, features, encoding, "activation");

        int[] featureShape = header.has(WireFormat.FLAG_FEATURE_SHAPE) ? readFeatureShape(in, features) : null;
        long[] timestamps = null;
        if (header.has(WireFormat.FLAG_TIMESTAMPS)) {
            in.requireSection(8L * batch, batchAt, "timestamps of B = " + batch + " samples");
            timestamps = in.i64s(batch);
        }
        ConceptLabels labels = header.has(WireFormat.FLAG_LABELS) ? readLabels(in, batch) : null;
        float[] similarities = header.has(WireFormat.FLAG_SIMILARITY)
                ? readSimilarities(in, batch, encoding) : null;
        in.expectEnd("the last section");
        return ActivationBatch.decoded(modelId, modelVersion, layer, sampleIds, features, activations, featureShape,
                timestamps, labels, similarities);
    }

    private static int[] readFeatureShape(WireReader in, int features) throws WireFormatException {
        int rankAt = in.position();
        long rank = in.u32("feature shape rank");
        if (rank < 1 || rank > WireFormat.MAX_FEATURE_RANK) {
            throw new WireFormatException(Reason.SHAPE_MISMATCH, rankAt, "feature shape rank " + rank
                    + " is outside [1, " + WireFormat.MAX_FEATURE_RANK + "]");
        }
        in.requireSection(4 * rank, rankAt, "feature shape of rank " + rank);
        int[] shape = in.i32s((int) rank);
        Violation v = WireChecks.featureShape(shape, features);
        if (v != null) {
            long at = v.index() == Violation.WHOLE ? rankAt : rankAt + 4 + 4L * v.index();
            throw new WireFormatException(Reason.SHAPE_MISMATCH, at, v.message());
        }
        return shape;
    }

    private static ConceptLabels readLabels(WireReader in, int batch) throws WireFormatException {
        int countAt = in.position();
        long count = in.u32("label count");
        in.requireSection(4L * (batch + 1) + 4 * count, countAt, "labels (" + (batch + 1) + " offsets, " + count
                + " concept ids)");
        int offsetsAt = in.position();
        int[] offsets = in.i32s(batch + 1);
        Violation v = WireChecks.labelOffsets(offsets, (int) count);
        if (v != null) {
            throw new WireFormatException(Reason.BAD_LABELS, offsetsAt + 4L * v.index(), v.message());
        }
        int idsAt = in.position();
        int[] conceptIds = in.i32s((int) count);
        v = WireChecks.conceptIds(offsets, conceptIds);
        if (v != null) {
            throw new WireFormatException(Reason.BAD_LABELS, idsAt + 4L * v.index(), v.message());
        }
        return new ConceptLabels(offsets, conceptIds);
    }

    private static float[] readSimilarities(WireReader in, int batch, FloatEncoding encoding)
            throws WireFormatException {
        int widthAt = in.position();
        int width = in.dimension("similarity width M", WireFormat.MAX_SIMILARITY_WIDTH);
        long cells = (long) batch * width;
        if (cells > WireFormat.MAX_MATRIX_ELEMENTS) {
            throw new WireFormatException(Reason.BAD_DIMENSION, widthAt, "similarities [" + batch + ", " + width
                    + "] have more than " + WireFormat.MAX_MATRIX_ELEMENTS + " elements");
        }
        in.requireSection(cells * encoding.bytes(), widthAt, "similarities [B, M] = [" + batch + ", " + width
                + "] of " + encoding);
        return in.finiteFloats((int) cells, width, encoding, "similarity");
    }

    private static void requireHalfRange(float[] values, int width, String what) {
        for (int i = 0; i < values.length; i++) {
            if (Float.isInfinite(Float16.toFloat(Float16.fromFloat(values[i])))) {
                throw new IllegalArgumentException(what + " " + values[i] + " at row " + i / width + ", column "
                        + i % width + " is outside the float16 range (±" + Float16.MAX_VALUE + ")");
            }
        }
    }
}
