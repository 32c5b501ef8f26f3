package io.neurowatch.analyzers.dora;

import java.util.Arrays;

/**
 * A 2-D embedding of k points. Arrays are copied on construction and on access: immutable and thread-safe.
 *
 * @param x first coordinate per point
 * @param y second coordinate per point
 * @param eigenvalues the two eigenvalues of the double-centred matrix behind the axes, descending (a negative or
 *     zero one means that axis carries no Euclidean variance and its coordinates are 0)
 * @throws IllegalArgumentException if x and y differ in length or eigenvalues does not hold 2 values
 */
public record Embedding2d(double[] x, double[] y, double[] eigenvalues) {

    public Embedding2d {
        if (x.length != y.length || eigenvalues.length != 2) {
            throw new IllegalArgumentException("need x, y of equal length and 2 eigenvalues");
        }
        x = x.clone();
        y = y.clone();
        eigenvalues = eigenvalues.clone();
    }

    public int size() {
        return x.length;
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] y() {
        return y.clone();
    }

    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding2d e && Arrays.equals(x, e.x) && Arrays.equals(y, e.y)
                && Arrays.equals(eigenvalues, e.eigenvalues);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(x) + Arrays.hashCode(y);
    }

    @Override
    public String toString() {
        return "Embedding2d[k=" + x.length + ", eigenvalues=" + Arrays.toString(eigenvalues) + "]";
    }
}
