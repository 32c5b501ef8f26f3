package io.neurowatch.ops.conventions;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.testkit.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks every Java file of every module, so a newcomer's editor settings cannot drift the codebase: imports are
 * static ones first, then the rest, each block in ASCII order with one blank line between, none unused. (That no
 * file refers to a folder outside the repository is checked by .ci/run over every tracked file.)
 */
class SourceConventionsTest {
    private static final List<String> MODULES = List.of("stream-core", "connectors", "analyzers", "ops");
    private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)\\.(\\w+|\\*);$");

    @Test
    void importsAreOrderedAndUsed() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : javaFiles()) {
            problems.addAll(importProblems(file, Files.readAllLines(file)));
        }
        assertTrue(problems.isEmpty(), problems.size() + " import problems (static first, then others, each sorted, "
                + "one blank line between, none unused):\n" + String.join("\n", problems));
    }

    @Test
    void theCheckFindsDisorderAndUnusedImports() {
        List<String> bad = List.of("package x;", "", "import java.util.Map;", "import java.util.List;", "",
                "class X { List<String> l; }");
        assertTrue(importProblems(Path.of("X.java"), bad).containsAll(List.of("X.java: imports out of order",
                "X.java: unused import java.util.Map;")), importProblems(Path.of("X.java"), bad).toString());
        List<String> good = List.of("package x;", "", "import static java.util.Objects.requireNonNull;", "",
                "import java.util.List;", "", "class X { List<String> l = requireNonNull(null); }");
        assertTrue(importProblems(Path.of("X.java"), good).isEmpty());
    }

    static List<String> importProblems(Path file, List<String> lines) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("import ")) {
                at.add(i);
            }
        }
        List<String> problems = new ArrayList<>();
        if (at.isEmpty()) {
            return problems;
        }
        List<String> block = lines.subList(at.get(0), at.get(at.size() - 1) + 1);
        List<String> statics = block.stream().filter(l -> l.startsWith("import static ")).sorted().distinct().toList();
        List<String> others = block.stream().filter(l -> l.startsWith("import ") && !l.startsWith("import static "))
                .sorted().distinct().toList();
        List<String> want = new ArrayList<>(statics);
        if (!statics.isEmpty() && !others.isEmpty()) {
            want.add("");
        }
        want.addAll(others);
        if (!block.equals(want)) {
            problems.add(file + ": imports out of order");
        }
        StringBuilder body = new StringBuilder();
        for (String l : lines) {
            if (!l.startsWith("import ")) {
                body.append(l).append('\n');
            }
        }
        for (String l : block) {
            Matcher m = IMPORT.matcher(l);
            if (m.matches() && !m.group(3).equals("*")
                    && !Pattern.compile("\\b" + Pattern.quote(m.group(3)) + "\\b").matcher(body).find()) {
                problems.add(file + ": unused " + l);
            }
        }
        return problems;
    }

    private static List<Path> javaFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String module : MODULES) {
            Path src = TestData.repoRoot().resolve(module).resolve("src");
            try (Stream<Path> s = Files.walk(src)) {
                s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(out::add);
            }
        }
        assertTrue(out.size() > 100, "found only " + out.size() + " Java files");
        return out;
    }
}
