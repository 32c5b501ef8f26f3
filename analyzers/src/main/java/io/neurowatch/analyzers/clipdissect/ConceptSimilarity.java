package io.neurowatch.analyzers.clipdissect;

/**
 * The concept-activation matrix P [N, M] of spec §3.1: P[i, m] = cosine between probe image i and concept m in CLIP
 * space. CLIP-Dissect reads it by rows, and for soft_wpmi / wpmi only the rows of the units' top images, so an
 * implementation may compute rows on demand instead of storing N·M values.
 *
 * <p>Implementations must be safe for concurrent {@link #readRows} calls from several threads.
 */
public interface ConceptSimilarity {

    /** Number of probe images N. */
    int images();

    /** Number of concepts M. */
    int concepts();

    /**
     * Copies the rows {@code images[from]} … {@code images[to − 1]} into {@code dst}, row-major: element
     * {@code (r − from)·M + m} is P[images[r], m].
     *
     * @throws IndexOutOfBoundsException if an image index is outside [0, N) or {@code dst} is too short
     */
    void readRows(int[] images, int from, int to, float[] dst);

    /** Where the matrix comes from, for error messages. */
    String describe();
}
