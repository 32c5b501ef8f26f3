package io.neurowatch.connectors.io;

import io.neurowatch.testkit.Requirement;
import io.neurowatch.testkit.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fixture lookup and the Debian Python (numpy + h5py) used as an independent implementation. Public so that the
 * archive tests in {@code io.neurowatch.connectors.archive} share the h5py check.
 */
public final class TestFiles {
    /** The Python first on PATH lacks numpy/h5py; Debian's has them. */
    static final Path PYTHON = Requirement.PYTHON;

    private TestFiles() {
    }

    /** {@code <repo>/testdata/reference/<sub>}; fails loudly when the checkout lacks it. */
    static Path fixtures(String sub) {
        return TestData.reference(sub);
    }

    /** Debian's python3 with numpy and h5py: required (fails under CI=true when absent, skips elsewhere). */
    public static void assumeH5py() {
        Requirement.H5PY.require();
    }

    public record Result(int exitCode, String output) {
    }

    /** Runs a Python program with arguments (sys.argv[1:]); output is stdout and stderr merged. */
    public static Result python(String program, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-c", program));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("python timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    /** Runs Python and fails the test with its output unless it exits 0. */
    public static String pythonOk(String program, String... args) throws IOException {
        Result r = python(program, args);
        if (r.exitCode() != 0) {
            throw new AssertionError("python failed (" + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    /** Deterministic non-trivial float values (negative, fractional, large and tiny magnitudes). */
    static float[][] matrix(int rows, int cols, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[][] m = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4)));
            }
        }
        return m;
    }
}
