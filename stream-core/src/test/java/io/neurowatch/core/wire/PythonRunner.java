package io.neurowatch.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code /usr/bin/python3} (which sees python3-numpy; the python3 first on PATH does not) for
 * cross-language tests, skipping them with an explicit message when it or numpy is missing.
 */
final class PythonRunner {
    static final Path PYTHON = Paths.get("/usr/bin/python3");

    private PythonRunner() {
    }

    /** Skips the calling test unless /usr/bin/python3 with numpy is available. */
    static void assumeNumpy() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), "skipped: " + PYTHON + " is missing (install Debian's python3)");
        Result r = run(List.of("-c", "import numpy"));
        assumeTrue(r.exitCode() == 0, "skipped: " + PYTHON + " cannot import numpy (apt-get install python3-numpy): "
                + r.output());
    }

    /** The repository root: the surefire property, else the nearest ancestor of the working directory with docs/. */
    static Path repoRoot() {
        String configured = System.getProperty("neurowatch.repo.root");
        if (configured != null && Files.isDirectory(Paths.get(configured, "docs"))) {
            return Paths.get(configured);
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/examples/produce_activations.py"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (docs/examples) above "
                + Paths.get("").toAbsolutePath());
    }

    static Path examplesDir() {
        Path dir = repoRoot().resolve("docs/examples");
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
