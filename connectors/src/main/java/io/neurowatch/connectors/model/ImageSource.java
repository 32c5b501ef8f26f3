package io.neurowatch.connectors.model;

import java.io.IOException;

/**
 * A finite, indexed collection of images that reads ranges as model-ready batches. Implementations:
 * {@link IdxImages} (IDX files), {@link ImageDirectory} (PNG/JPEG files).
 */
public interface ImageSource {

    /** Number of images. */
    int size();

    /** A short description for messages, naming the file or directory. */
    String describe();

    /**
     * Images {@code [from, to)} transformed for the model.
     *
     * @throws IndexOutOfBoundsException for a range outside {@code [0, size())}
     * @throws IOException if an image cannot be read or decoded (the message names it)
     */
    ImageBatch read(int from, int to, ImageTransform transform) throws IOException;

    /** Checks {@code [from, to)} against {@code size}. */
    static void checkRange(int from, int to, int size) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("images [" + from + ", " + to + ") outside [0, " + size + ")");
        }
    }
}
