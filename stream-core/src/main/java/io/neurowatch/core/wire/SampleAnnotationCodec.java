package io.neurowatch.core.wire;

import io.neurowatch.core.wire.WireFormatException.Reason;
import java.nio.ByteBuffer;

/**
 * Encodes and decodes {@link SampleAnnotation} records (message type 2) of wire format version 1: the same header as
 * an activation batch, then model id, sample id, concept ids and an optional similarity row. The layout is
 * specified in docs/wire-format.md.
 *
 * <p>Decoding reports the first problem as a {@link WireFormatException} with its reason and byte offset and throws
 * no other exception, whatever the input. Stateless; thread-safe.
 */
public final class SampleAnnotationCodec {

    private SampleAnnotationCodec() {
    }

    /** Encodes with a float32 similarity row. */
    public static byte[] encode(SampleAnnotation annotation) {
        return encode(annotation, FloatEncoding.FLOAT32);
    }

    /**
     * Encodes {@code annotation}, writing its similarity row (if any) in {@code encoding}.
     *
     * @throws IllegalArgumentException if {@code encoding} is float16 and a similarity rounds outside ±65504
     */
    public static byte[] encode(SampleAnnotation annotation, FloatEncoding encoding) {
        byte[] modelId = WireChecks.utf8(annotation.modelId());
        int[] conceptIds = annotation.conceptIds();
        float[] similarity = annotation.similarity();
        int flags = similarity == null ? 0 : WireFormat.FLAG_SIMILARITY;
        long size = WireFormat.HEADER_BYTES + 4L + modelId.length + 8 + 4 + 4L * conceptIds.length;
        if (similarity != null) {
            for (int i = 0; i < similarity.length; i++) {
                if (encoding == FloatEncoding.FLOAT16
                        && Float.isInfinite(Float16.toFloat(Float16.fromFloat(similarity[i])))) {
                    throw new IllegalArgumentException("similarity " + similarity[i] + " at column " + i
                            + " is outside the float16 range (±" + Float16.MAX_VALUE + ")");
                }
            }
            size += 4 + (long) encoding.bytes() * similarity.length;
        }
        if (size > WireFormat.MAX_MATRIX_ELEMENTS) {
            throw new IllegalArgumentException("encoded annotation would take " + size + " bytes");
        }
        WireWriter out = new WireWriter((int) size);
        new RecordHeader(MessageType.SAMPLE_ANNOTATION, encoding, flags, (int) size).write(out);
        out.string(modelId);
        out.i64(annotation.sampleId());
        out.u32(conceptIds.length).i32s(conceptIds);
        if (similarity != null) {
            out.u32(similarity.length).floats(similarity, encoding);
        }
        return out.finish();
    }

    /**
     * Decodes a record with the default limit {@link WireFormat#DEFAULT_MAX_BYTES}.
     *
     * @throws WireFormatException if the bytes are not a valid sample annotation record
     */
    public static SampleAnnotation decode(byte[] record) throws WireFormatException {
        return decode(record, WireFormat.DEFAULT_MAX_BYTES);
    }

    /**
     * Decodes one record occupying all of {@code record}.
     *
     * @param maxBytes records (or declared lengths) above this many bytes are rejected as {@code OVERSIZE}
     * @throws WireFormatException if the bytes are not a valid sample annotation record
     * @throws IllegalArgumentException if {@code maxBytes} is smaller than the 16-byte header
     */
    public static SampleAnnotation decode(byte[] record, int maxBytes) throws WireFormatException {
        return decode(ByteBuffer.wrap(record), maxBytes);
    }

    /**
     * Decodes one record occupying the buffer's remaining bytes; the buffer's position is not changed.
     *
     * @throws WireFormatException if the bytes are not a valid sample annotation record
     * @throws IllegalArgumentException if {@code maxBytes} is smaller than the 16-byte header
     */
    public static SampleAnnotation decode(ByteBuffer record, int maxBytes) throws WireFormatException {
        WireReader in = WireReader.over(record);
        RecordHeader header = RecordHeader.read(in, maxBytes);
        header.expect(MessageType.SAMPLE_ANNOTATION);
        String modelId = in.string("model id", false);
        long sampleId = in.i64("sample id");
        int countAt = in.position();
        long count = in.u32("concept count");
        in.requireSection(4 * count, countAt, count + " concept ids");
        int idsAt = in.position();
        int[] conceptIds = in.i32s((int) count);
        Violation v = WireChecks.conceptRow(conceptIds, 0, conceptIds.length, "annotation of sample " + sampleId);
        if (v != null) {
            throw new WireFormatException(Reason.BAD_LABELS, idsAt + 4L * v.index(), v.message());
        }
        float[] similarity = null;
        if (header.has(WireFormat.FLAG_SIMILARITY)) {
            int widthAt = in.position();
            int width = in.dimension("similarity width M", WireFormat.MAX_SIMILARITY_WIDTH);
            in.requireSection((long) width * header.encoding().bytes(), widthAt, "similarity row of M = " + width
                    + " values of " + header.encoding());
            similarity = in.finiteFloats(width, width, header.encoding(), "similarity");
        }
        in.expectEnd("the last section");
        return new SampleAnnotation(modelId, sampleId, conceptIds, similarity);
    }
}
