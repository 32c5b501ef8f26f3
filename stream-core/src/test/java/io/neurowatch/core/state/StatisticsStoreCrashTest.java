package io.neurowatch.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer JVM (SIGKILL, no shutdown hooks) at a random moment, five times, and checks after each kill that
 * the statistics hold exactly the batches of the committed offsets: neither a batch without its offset nor an
 * offset without its batch.
 */
class StatisticsStoreCrashTest {
    @TempDir
    Path tmp;

    @Test
    void statisticsAndOffsetsAgreeAfterKill9() throws Exception {
        Path store = tmp.resolve("store");
        Random rnd = new Random();
        long lastCommitted = 0;
        for (int round = 0; round < 5; round++) {
            StringBuffer output = new StringBuffer();
            AtomicLong lastApplied = new AtomicLong(-1);
            Process child = start(store, output, lastApplied);
            try {
                long want = lastCommitted + 10 + rnd.nextInt(40);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (lastApplied.get() < want) {
                    if (!child.isAlive() || System.nanoTime() > deadline) {
                        fail("writer did not reach offset " + want + " (alive=" + child.isAlive() + "):\n" + output);
                    }
                    Thread.sleep(5);
                }
                Thread.sleep(rnd.nextInt(50)); // kill somewhere inside a later apply
            } finally {
                child.destroyForcibly();
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "writer did not die");
            }
            assertTrue(output.toString().startsWith("resume " + lastCommitted + "\n"),
                    "the writer must resume at the committed offset " + lastCommitted + ":\n" + output);

            try (StatisticsStore s = StatisticsStore.open(store, CrashingWriter.CONFIG)) {
                long committed = s.committedOffsets().get(CrashingWriter.PARTITION);
                // Every apply that returned is durable; at most the one in flight is lost, never half of it.
                assertTrue(committed >= lastApplied.get() + 1,
                        "committed " + committed + " but the writer reported " + lastApplied.get());
                long samples = committed * CrashingWriter.SAMPLES;
                for (int j = 0; j < CrashingWriter.NEURONS; j++) {
                    assertEquals(samples, s.count(CrashingWriter.MODEL, CrashingWriter.LAYER, j), "neuron " + j);
                    AurocEstimate a = s.auroc(CrashingWriter.MODEL, CrashingWriter.LAYER, j, CrashingWriter.CONCEPT);
                    assertEquals(samples, a.positives() + a.negatives(), "histograms of neuron " + j);
                }
                ConceptCounts counts = s.conceptCounts(CrashingWriter.MODEL, CrashingWriter.LAYER,
                        CrashingWriter.CONCEPT);
                assertEquals(new ConceptCounts(samples, CrashingWriter.positivesUpTo(committed)), counts);
                lastCommitted = committed;
            }
        }
    }

    private Process start(Path store, StringBuffer output, AtomicLong lastApplied) throws IOException {
        Path childTmp = Files.createDirectories(tmp.resolve("child-tmp"));
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                // RocksDB extracts its native library to java.io.tmpdir and a killed JVM cannot delete it.
                "-Djava.io.tmpdir=" + childTmp,
                "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                store.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("applied ")) {
                        lastApplied.set(Long.parseLong(line.substring(8)));
                    } else {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the stream closes when the child is killed
            }
        }, "crash-writer-output");
        reader.setDaemon(true);
        reader.start();
        return p;
    }
}
