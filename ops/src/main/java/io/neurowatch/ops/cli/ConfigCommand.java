package io.neurowatch.ops.cli;

import io.neurowatch.ops.config.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code neurowatch config}: every settings key of {@code serve} and {@code demo} with its type, default and doc,
 * read off the one settings table; with {@code --config}/{@code --set}, the values those layers give instead.
 */
@Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print every settings key of serve and demo with its type, default and meaning.",
            "With --config/--set (and NEUROWATCH_* variables), print the values that differ from the defaults "
                + "after all layers are applied; a bad key or value is an error naming its source."})
public final class ConfigCommand implements Callable<Integer> {
    @Option(names = "--markdown", description = "print the tables of docs/streaming.md (Markdown)")
    boolean markdown;

    @Option(names = "--config", paramLabel = "FILE", description = "a settings file to check and show")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a value to check and show")
    Map<String, String> overrides = new HashMap<>();

    @Override
    public Integer call() throws IOException {
        if (config != null || !overrides.isEmpty()) {
            Settings s = Settings.load(config, System.getenv(), overrides);
            s.values().changed().forEach((k, v) -> System.out.println(k + "=" + v));
            return 0;
        }
        System.out.print(markdown ? Settings.TABLE.markdown() : Settings.TABLE.text(100));
        return 0;
    }
}
