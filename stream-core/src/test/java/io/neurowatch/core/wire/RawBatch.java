package io.neurowatch.core.wire;

/**
 * The fields of an activation batch record, every one settable to an invalid value; {@link #write()} lays them out
 * with {@link RawRecord}, marking {@code modelId}, {@code modelVersion}, {@code layer}, {@code B}, {@code D},
 * {@code sampleIds}, {@code activations}, {@code shape}, {@code timestamps}, {@code labelCount},
 * {@code labelOffsets}, {@code labelConcepts}, {@code similarityWidth} and {@code similarities}.
 */
final class RawBatch {
    int messageType = MessageType.ACTIVATION_BATCH.code();
    int dtype = FloatEncoding.FLOAT32.code();
    Integer flags;
    String modelId = "resnet18";
    String modelVersion = "v1";
    String layer = "layer4.1.conv2";
    Long b;
    Long d;
    long[] sampleIds = {10, 11, 12};
    /** Activations written as float32 when dtype is float32, as the float16 of each value otherwise. */
    float[] activations = {0.5f, -1.5f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f};
    int features = 4;
    int[] shape = {1, 2, 2};
    Long rank;
    long[] timestamps = {1_700_000_000_000L, 1_700_000_000_001L, 1_700_000_000_002L};
    int[] labelOffsets = {0, 2, 2, 3};
    int[] labelConcepts = {4, 1, 7};
    Long labelCount;
    float[] similarities = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
    int similarityWidth = 2;

    /** Drops every optional section. */
    RawBatch minimal() {
        shape = null;
        timestamps = null;
        labelOffsets = null;
        similarities = null;
        return this;
    }

    /** The batch these default fields describe, for comparison with decoded values. */
    ActivationBatch expected() {
        ConceptLabels labels = labelOffsets == null ? null : new ConceptLabels(labelOffsets, labelConcepts);
        return new ActivationBatch(modelId, modelVersion, layer, sampleIds, features, activations, shape,
                timestamps, labels, similarities);
    }

    RawRecord write() {
        int f = flags != null ? flags
                : (shape != null ? WireFormat.FLAG_FEATURE_SHAPE : 0)
                        | (timestamps != null ? WireFormat.FLAG_TIMESTAMPS : 0)
                        | (labelOffsets != null ? WireFormat.FLAG_LABELS : 0)
                        | (similarities != null ? WireFormat.FLAG_SIMILARITY : 0);
        RawRecord r = RawRecord.header(messageType, dtype, f);
        r.mark("modelId").string(modelId).mark("modelVersion").string(modelVersion).mark("layer").string(layer);
        r.mark("B").u32(b != null ? b : sampleIds.length).mark("D").u32(d != null ? d : features);
        r.mark("sampleIds").i64s(sampleIds);
        r.mark("activations");
        floats(r, activations);
        if (shape != null) {
            r.mark("shape").u32(rank != null ? rank : shape.length).i32s(shape);
        }
        if (timestamps != null) {
            r.mark("timestamps").i64s(timestamps);
        }
        if (labelOffsets != null) {
            r.mark("labelCount").u32(labelCount != null ? labelCount : labelConcepts.length);
            r.mark("labelOffsets").i32s(labelOffsets).mark("labelConcepts").i32s(labelConcepts);
        }
        if (similarities != null) {
            r.mark("similarityWidth").u32(similarityWidth).mark("similarities");
            floats(r, similarities);
        }
        return r;
    }

    byte[] bytes() {
        return write().bytes();
    }

    private void floats(RawRecord r, float[] values) {
        if (dtype == FloatEncoding.FLOAT16.code()) {
            for (float v : values) {
                r.f16s(Float16.fromFloat(v));
            }
        } else {
            r.f32s(values);
        }
    }
}
