package io.neurowatch.ops.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.testkit.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and every option of the CLI is documented in docs/cli.md and has --help. */
class CliDocsTest {

    @Test
    void everyCommandAndOptionIsInTheReference() throws Exception {
        Path root = TestData.repoRoot();
        String doc = Files.readString(root.resolve("docs/cli.md"));
        List<String> missing = new ArrayList<>();
        walk(Neurowatch.newCommandLine(), "neurowatch", doc, missing);
        assertTrue(missing.isEmpty(), "undocumented in docs/cli.md: " + missing);
    }

    private static void walk(CommandLine cl, String path, String doc, List<String> missing) {
        CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
        if (!path.equals("neurowatch") && !spec.name().equals("help")) {
            if (!doc.contains("`" + path)) {
                missing.add(path);
            }
            assertTrue(spec.mixinStandardHelpOptions(), path + " lacks --help");
            for (CommandLine.Model.OptionSpec o : spec.options()) {
                String name = o.longestName();
                if (name.equals("--help") || name.equals("--version")) {
                    continue;
                }
                if (!doc.contains("`" + name)) {
                    missing.add(path + " " + name);
                }
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            walk(sub, path + " " + sub.getCommandName(), doc, missing);
        }
    }
}
