package io.neurowatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, at the end of each module's tests, one line naming every test skipped so far in this Maven build for a
 * missing {@link Requirement} and the commands that install them. Each module's tests run in their own JVM, so the
 * skips are kept in {@code target/test-skips.tsv} under the repository root, tagged with the build's id (the
 * {@code neurowatch.build.id} property that the parent pom sets from the build's start time); the last module's
 * line is the whole build's. Registered through {@code META-INF/services}, so every module that puts the testkit on
 * its test class path gets it.
 */
public final class SkipSummary implements TestExecutionListener {
    private static final List<Requirement> SKIPPED = new ArrayList<>();

    static synchronized void record(Requirement r) {
        SKIPPED.add(r);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        List<Requirement> mine;
        synchronized (SkipSummary.class) {
            mine = List.copyOf(SKIPPED);
            SKIPPED.clear();
        }
        Map<Requirement, Integer> all = new TreeMap<>();
        try {
            all.putAll(appendAndRead(mine));
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            mine.forEach(r -> all.merge(r, 1, Integer::sum));
        }
        String line = line(all);
        if (line != null) {
            System.out.println(line);
        }
    }

    /** The summary, or null when nothing was skipped. */
    static String line(Map<Requirement, Integer> skipped) {
        if (skipped.isEmpty()) {
            return null;
        }
        StringBuilder what = new StringBuilder();
        StringBuilder how = new StringBuilder();
        int total = 0;
        for (Map.Entry<Requirement, Integer> e : skipped.entrySet()) {
            total += e.getValue();
            what.append(what.length() == 0 ? "" : ", ").append(e.getKey().label()).append(" (")
                    .append(e.getValue()).append(')');
            how.append(how.length() == 0 ? "" : "; ").append(e.getKey().install());
        }
        return "neurowatch: " + total + " test(s) skipped so far in this build for missing tools: " + what
                + ". Install: " + how + ". (With CI=true they fail instead.)";
    }

    private static Map<Requirement, Integer> appendAndRead(List<Requirement> mine) throws IOException {
        String build = System.getProperty("neurowatch.build.id", "unknown");
        Path file = TestData.repoRoot().resolve("target/test-skips.tsv");
        Files.createDirectories(file.getParent());
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        boolean sameBuild = !lines.isEmpty() && lines.get(0).equals("build\t" + build);
        List<String> out = new ArrayList<>(sameBuild ? lines : List.of("build\t" + build));
        mine.forEach(r -> out.add(r.name()));
        Files.write(file, out, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
        Map<Requirement, Integer> counts = new TreeMap<>();
        for (String l : out.subList(1, out.size())) {
            counts.merge(Requirement.valueOf(l), 1, Integer::sum);
        }
        return counts;
    }
}
