package io.neurowatch.ops.dora;

import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.connectors.io.NpyArray;
import io.neurowatch.connectors.io.NpyDtype;
import io.neurowatch.connectors.io.NpyHeader;
import io.neurowatch.connectors.io.NpyReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads DORA encodings A [k, k, n] from an {@code .npy} file and checks them, so that every problem is reported with
 * the file, its dtype and shape, and (for non-finite values) the [i, j, s] position. Stateless and thread-safe.
 */
public final class EncodingsFile {
    private EncodingsFile() {
    }

    /**
     * The values, row-major, as float64.
     *
     * @param role how the file is called in messages, e.g. "encodings"
     * @throws FileFormatException if the file is not a float16/32/64 array of shape [k, k, n] with k, n ≥ 1, or holds
     *     a non-finite value
     * @throws IOException if it cannot be read (the message names it)
     */
    public static Loaded read(Path file, String role) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(role + " " + file + ": no such file");
        }
        NpyHeader h = NpyReader.readHeader(file);
        NpyDtype t = h.dtype();
        long[] s = h.shape();
        String expect = role + " must be a float array [k, k, n] (A[i, j, s] = activation of neuron j on s-AMS s "
                + "of neuron i); found " + h.describe();
        if (t != NpyDtype.FLOAT16 && t != NpyDtype.FLOAT32 && t != NpyDtype.FLOAT64) {
            throw new FileFormatException(file, expect + " (wrong dtype)");
        }
        if (s.length != 3) {
            throw new FileFormatException(file, expect + " (rank " + s.length + ", expected 3)");
        }
        if (s[0] != s[1]) {
            throw new FileFormatException(file, expect + " (not square: " + s[0] + " neurons' signals but " + s[1]
                    + " neurons' responses)");
        }
        if (s[0] < 1 || s[2] < 1) {
            throw new FileFormatException(file, expect + " (empty)");
        }
        if (h.size() > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(file, role + " " + h.describe() + " has more than 2^31 values");
        }
        NpyArray a = NpyReader.read(file);
        double[] v = a.toDoubleRowMajor();
        int k = (int) s[0];
        int n = (int) s[2];
        for (int idx = 0; idx < v.length; idx++) {
            if (!Double.isFinite(v[idx])) {
                int i = idx / (k * n);
                int j = idx / n % k;
                int smp = idx % n;
                throw new FileFormatException(file, role + " " + h.describe() + " holds " + v[idx] + " at [" + i
                        + ", " + j + ", " + smp + "]; encodings must be finite");
            }
        }
        return new Loaded(file, h.describe(), k, n, v);
    }

    /**
     * A checked encodings file. The array is owned by the record; do not modify it.
     *
     * @param file where it came from
     * @param description dtype and shape, e.g. "float32 [24, 24, 3]"
     * @param k neurons
     * @param n samples per neuron
     * @param values A row-major as float64
     */
    public record Loaded(Path file, String description, int k, int n, double[] values) {
        /** @throws FileFormatException naming both files if their shapes differ */
        public void requireSameShape(Loaded other) throws FileFormatException {
            if (other.k != k || other.n != n) {
                throw new FileFormatException(other.file, "shape " + other.description + " differs from "
                        + description + " of " + file + "; '+' and '−' encodings must have the same shape");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Loaded l && file.equals(l.file) && Arrays.equals(values, l.values);
        }

        @Override
        public int hashCode() {
            return file.hashCode();
        }

        @Override
        public String toString() {
            return "Loaded[" + file + ", " + description + "]";
        }
    }
}
