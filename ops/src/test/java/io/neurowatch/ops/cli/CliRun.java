package io.neurowatch.ops.cli;

import io.neurowatch.testkit.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * One in-process run of the {@code neurowatch} command line with its exit code, stdout and stderr, for CLI tests.
 *
 * @param exit the exit code
 * @param out what the command printed to {@code System.out}
 * @param err what it printed to picocli's error writer
 */
record CliRun(int exit, String out, String err) {

    /** Runs the CLI; stdout is captured by swapping {@code System.out}, so tests using it must not run in parallel. */
    static CliRun run(String... args) {
        CommandLine cl = Neurowatch.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            int exit = cl.execute(args);
            return new CliRun(exit, out.toString(), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    /** {@code testdata/reference/<sub>} in the repository. */
    static Path fixtures(String sub) {
        return TestData.reference(sub);
    }
}
