package io.neurowatch.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * A tool or data set outside the JVM that some tests need, with the command that installs it. {@link #require()}
 * fails the test where {@code CI=true} (CI must never pass by skipping; {@code .ci/run} installs all of them) and
 * elsewhere skips it, recording the skip for the one-line summary that {@link SkipSummary} prints.
 */
public enum Requirement {
    /** Debian's python3 with numpy: the independent implementation for wire and NPY cross-checks. */
    NUMPY("numpy", "apt-get install python3-numpy",
            () -> python("import numpy")),
    /** Debian's python3 with h5py: reads our HDF5 files back, as users' tools will. */
    H5PY("h5py", "apt-get install python3-numpy python3-h5py",
            () -> python("import numpy, h5py")),
    /** Debian's python3 with PyTorch: exports TorchScript models in tests, as users' training code does. */
    TORCH("torch", "apt-get install python3-torch",
            () -> python("import torch")),
    /** A real headless browser for the dashboard tests. */
    CHROMIUM("chromium", "apt-get install chromium",
            () -> Files.isExecutable(Path.of("/usr/bin/chromium"))),
    /** Real images: Debian's IDX files of Fashion-MNIST. */
    FASHION_MNIST("fashion-mnist", "apt-get install dataset-fashion-mnist",
            () -> Files.isRegularFile(Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"))
                    && Files.isRegularFile(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))),
    /** A file system that accepts O_DIRECT writes where the tests write (the repository's target folder). */
    DIRECT_IO("direct-io", "run the tests on a disk file system (ext4, xfs), not tmpfs",
            Requirement::directIoWorks);

    /** Debian's interpreter: the python3 first on PATH is a separate build without Debian's packages. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private static final Map<Requirement, Boolean> PRESENT = new ConcurrentHashMap<>();

    private final String label;
    private final String install;
    private final BooleanSupplier probe;

    Requirement(String label, String install, BooleanSupplier probe) {
        this.label = label;
        this.install = install;
        this.probe = probe;
    }

    public String label() {
        return label;
    }

    /** The command (or action) that makes this requirement available. */
    public String install() {
        return install;
    }

    /** Whether it is available here; probed once per JVM. */
    public boolean present() {
        return PRESENT.computeIfAbsent(this, r -> r.probe.getAsBoolean());
    }

    /**
     * Returns if the requirement is present. Otherwise fails the calling test under {@code CI=true}, and skips it
     * (recording the skip) elsewhere.
     */
    public void require() {
        if (present()) {
            return;
        }
        if (inCi()) {
            throw new AssertionError("CI=true and " + label + " is missing: a test never passes by skipping in CI ("
                    + install + "; .ci/run installs it)");
        }
        SkipSummary.record(this);
        Assumptions.abort(label + " is missing (" + install + ")");
    }

    /** True where the environment says this is a CI run. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static boolean python(String program) {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(List.of(PYTHON.toString(), "-c", program)).redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Opens a scratch file with O_DIRECT and writes one aligned block. */
    private static boolean directIoWorks() {
        try {
            Path dir = directIoDir();
            Files.createDirectories(dir);
            Path f = Files.createTempFile(dir, "probe", ".bin");
            try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE,
                    com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
                var buf = java.nio.ByteBuffer.allocateDirect(8192).alignedSlice(4096).limit(4096);
                return ch.write(buf) == 4096;
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Where tests that need direct I/O write: the module's {@code target/} folder, which lives on the checkout's
     * disk, whereas the system's temporary folder may be a tmpfs.
     */
    public static Path directIoDir() {
        return Path.of("target", "direct-io").toAbsolutePath();
    }
}
