package io.neurowatch.ops.cli;

import picocli.CommandLine.Command;

/** {@code neurowatch bench …}: performance figures, each against a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; figures are reported as ratios to a baseline measured in the same run.",
        subcommands = {BenchInvertCommand.class, BenchDissectCommand.class, BenchStreamCommand.class,
            BenchSketchCommand.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
