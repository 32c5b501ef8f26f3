package io.neurowatch.analyzers.dora;

/**
 * Encodings of s-AMS, row-major {@code A[i, j, s]} at {@code (i·k + j)·n + s} (the layout of {@code A.npy}).
 *
 * @param plus encodings of the maximisation signals
 * @param minus encodings of the minimisation signals, or null (quirk D9: kept apart from {@code plus})
 */
public record SignalEncodings(double[] plus, double[] minus, int k, int n) {
    public SignalEncodings {
        if (plus.length != k * k * n || (minus != null && minus.length != k * k * n)) {
            throw new IllegalArgumentException("encodings must have k·k·n = " + k * k * n + " values");
        }
    }

    /** Ā = mean over the signals, as DORA's distances use. */
    public MeanEncodings means() {
        return MeanEncodings.fromSamples(plus, minus, k, n);
    }
}
