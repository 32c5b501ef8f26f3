package io.neurowatch.ops.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real analyzer instance in a child JVM ({@code neurowatch serve} against an external broker), for tests about
 * instances: crashes (SIGKILL), restarts, several instances of one group. Its output goes to {@code <work>/serve.log}.
 */
public final class AnalyzerProcess implements AutoCloseable {
    private final Path work;
    private final Process process;

    private AnalyzerProcess(Path work, Process process) {
        this.work = work;
        this.process = process;
    }

    /**
     * Starts {@code serve} on {@code bootstrap} with its own work dir and the given settings ({@code --set}), the
     * HTTP server off unless a setting turns it on.
     */
    public static AnalyzerProcess start(String bootstrap, Path work, Map<String, String> settings)
            throws IOException {
        Files.createDirectories(work);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.neurowatch.ops.cli.Neurowatch", "serve", "--bootstrap-servers", bootstrap,
                "--work-dir", work.toString(), "--http-port", settings.getOrDefault("http.port", "-1")));
        settings.forEach((k, v) -> {
            if (!k.equals("http.port")) {
                cmd.addAll(List.of("--set", k + "=" + v));
            }
        });
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("serve.log").toFile()));
        pb.environment().put("DJL_OFFLINE", "true");
        return new AnalyzerProcess(work, pb.start());
    }

    /** SIGKILL: what a crash, an OOM kill or a lost machine does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM and wait for a graceful stop; true if it exited in time. */
    public boolean stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(90, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    public long pid() {
        return process.pid();
    }

    public Path work() {
        return work;
    }

    /** The base URI of the instance's HTTP API (started with {@code http.port=0}), from its log; waits up to 60 s. */
    public java.net.URI httpBase() throws IOException, InterruptedException {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("dashboard: (http://[^ /]+/)");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log())) {
                java.util.regex.Matcher m = p.matcher(line);
                if (m.find()) {
                    return java.net.URI.create(m.group(1));
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no dashboard URL in " + log() + ":\n" + logTail(20));
    }

    public Path log() {
        return work.resolve("serve.log");
    }

    /** The instance's log so far, for assertion messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
