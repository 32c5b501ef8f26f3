package io.neurowatch.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.testkit.Requirement;
import io.neurowatch.testkit.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code /usr/bin/python3} (which sees python3-numpy; the python3 first on PATH does not) for
 * cross-language tests; {@link Requirement#NUMPY} decides whether a missing interpreter fails or skips.
 */
final class PythonRunner {
    static final Path PYTHON = Requirement.PYTHON;

    private PythonRunner() {
    }

    /** Requires /usr/bin/python3 with numpy (fails under CI=true when absent, skips elsewhere). */
    static void assumeNumpy() {
        Requirement.NUMPY.require();
    }

    static Path examplesDir() {
        Path dir = TestData.file("docs/examples");
        assertTrue(Files.isRegularFile(dir.resolve("produce_activations.py")), "missing " + dir);
        return dir;
    }

    record Result(int exitCode, String output) {
    }

    static Result run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(PYTHON.toString());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Output is small; reading it before waiting cannot dead-lock on a full pipe.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("python timed out: " + command);
        }
        return new Result(process.exitValue(), output);
    }

    /** Runs and asserts success, returning the output. */
    static String runOk(List<String> args) throws IOException, InterruptedException {
        Result r = run(args);
        assertEquals(0, r.exitCode(), "python " + args + " failed:\n" + r.output());
        return r.output();
    }
}
