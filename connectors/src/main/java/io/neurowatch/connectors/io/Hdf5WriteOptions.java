package io.neurowatch.connectors.io;

import java.util.Arrays;

/**
 * How {@link Hdf5ActivationWriter} and {@link Hdf5SegmentWriter} store dataset {@code Y}.
 *
 * <p>Defaults: chunks of (1024 rows, 256 columns), byte shuffle + deflate level 1, no attributes. Chunks whose column
 * count divides the reader's feature batch size let a column-block pass read each byte once (spec section 7);
 * deflate level 1 keeps writing fast enough for a live stream. Chunk dimensions larger than the data are clamped to
 * it when a file is written. {@code chunkRows = chunkCols = 0} selects contiguous storage, which allows no filters.
 *
 * <p>Immutable; {@link #featureShape()} returns a copy.
 *
 * @param featureShape written as int attribute {@code feature_shape}, e.g. [C, H, W]; its product must equal D;
 *     null for none
 * @param layer written as string attribute {@code layer}; null for none
 * @param modelId written as string attribute {@code model_id}; null for none
 * @param chunkRows chunk extent along rows, 0 for contiguous storage
 * @param chunkCols chunk extent along features, 0 for contiguous storage
 * @param deflateLevel 0 (off) to 9
 * @param shuffle whether to byte-shuffle before deflate (helps float32 compress)
 * @throws IllegalArgumentException from the constructor for inconsistent settings
 */
public record Hdf5WriteOptions(int[] featureShape, String layer, String modelId, int chunkRows, int chunkCols,
                               int deflateLevel, boolean shuffle) {

    public Hdf5WriteOptions {
        if (featureShape != null) {
            featureShape = featureShape.clone();
            for (int d : featureShape) {
                if (d <= 0) {
                    throw new IllegalArgumentException("feature_shape " + Arrays.toString(featureShape)
                            + " has a non-positive dimension");
                }
            }
        }
        if (chunkRows < 0 || chunkCols < 0 || (chunkRows == 0) != (chunkCols == 0)) {
            throw new IllegalArgumentException("chunk dimensions (" + chunkRows + ", " + chunkCols
                    + ") must both be positive, or both 0 for contiguous storage");
        }
        if (deflateLevel < 0 || deflateLevel > 9) {
            throw new IllegalArgumentException("deflate level " + deflateLevel + " is outside 0..9");
        }
        if (chunkRows == 0 && (deflateLevel > 0 || shuffle)) {
            throw new IllegalArgumentException("shuffle and deflate need chunked storage; set chunks or turn the"
                    + " filters off");
        }
    }

    /** Chunks (1024, 256), shuffle + deflate 1, no attributes. */
    public static Hdf5WriteOptions defaults() {
        return new Hdf5WriteOptions(null, null, null, 1024, 256, 1, true);
    }

    @Override
    public int[] featureShape() {
        return featureShape == null ? null : featureShape.clone();
    }

    public Hdf5WriteOptions withFeatureShape(int... shape) {
        return new Hdf5WriteOptions(shape, layer, modelId, chunkRows, chunkCols, deflateLevel, shuffle);
    }

    public Hdf5WriteOptions withLayer(String layerName) {
        return new Hdf5WriteOptions(featureShape, layerName, modelId, chunkRows, chunkCols, deflateLevel, shuffle);
    }

    public Hdf5WriteOptions withModelId(String id) {
        return new Hdf5WriteOptions(featureShape, layer, id, chunkRows, chunkCols, deflateLevel, shuffle);
    }

    /** Chunked storage with these extents (clamped to the data when written). */
    public Hdf5WriteOptions withChunks(int rows, int cols) {
        return new Hdf5WriteOptions(featureShape, layer, modelId, rows, cols, deflateLevel, shuffle);
    }

    /** Contiguous storage without filters. */
    public Hdf5WriteOptions contiguous() {
        return new Hdf5WriteOptions(featureShape, layer, modelId, 0, 0, 0, false);
    }

    /** Deflate level 0 (off) to 9 and whether to shuffle first. */
    public Hdf5WriteOptions withCompression(int level, boolean byteShuffle) {
        return new Hdf5WriteOptions(featureShape, layer, modelId, chunkRows, chunkCols, level, byteShuffle);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hdf5WriteOptions w && Arrays.equals(w.featureShape, featureShape)
                && java.util.Objects.equals(w.layer, layer) && java.util.Objects.equals(w.modelId, modelId)
                && w.chunkRows == chunkRows && w.chunkCols == chunkCols && w.deflateLevel == deflateLevel
                && w.shuffle == shuffle;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(Arrays.hashCode(featureShape), layer, modelId, chunkRows, chunkCols,
                deflateLevel, shuffle);
    }

    @Override
    public String toString() {
        return "Hdf5WriteOptions[featureShape=" + Arrays.toString(featureShape) + ", layer=" + layer + ", modelId="
                + modelId + ", chunks=(" + chunkRows + ", " + chunkCols + "), deflate=" + deflateLevel
                + ", shuffle=" + shuffle + "]";
    }
}
