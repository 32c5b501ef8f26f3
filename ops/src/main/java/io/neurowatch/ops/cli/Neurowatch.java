package io.neurowatch.ops.cli;

import io.neurowatch.core.config.Setting;
import io.neurowatch.core.config.SettingsTable;
import io.neurowatch.ops.config.Settings;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code neurowatch} command: one subcommand per job. */
@Command(name = "neurowatch", mixinStandardHelpOptions = true, version = "neurowatch 0.1.0",
        description = "Watches the inside of deployed deep networks: labels neurons with concepts (INVERT, "
                + "CLIP-Dissect), finds anomalous neurons and raises artifact alerts.",
        subcommands = {ExplainCommand.class, DissectCommand.class, DoraCommand.class, RenderCommand.class, ProbeCommand.class,
            DemoCommand.class,
            ReplayCommand.class, InferCommand.class, LabelsCommand.class, ServeCommand.class, BenchCommand.class,
            BrokerCommand.class, ConfigCommand.class,
            CommandLine.HelpCommand.class})
public final class Neurowatch implements Runnable {

    /** Exit code for bad input (files, flags); 1 is left for internal failures. */
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** Every key with its type and default, one per line (a picocli format string: % is doubled). */
    static String settingsFooter() {
        StringBuilder out = new StringBuilder("%nSettings keys (--set KEY=VALUE, --config FILE, NEUROWATCH_<KEY>); "
                + "`neurowatch config` explains each:%n");
        for (SettingsTable.Group g : Settings.TABLE.groups()) {
            for (Setting<?> s : g.settings()) {
                String dflt = s.defaultText().isEmpty() ? "none" : s.defaultText();
                out.append(("  " + s.name() + " (" + s.type() + ", default " + dflt + ")").replace("%", "%%"))
                        .append("%n");
            }
        }
        return out.toString();
    }

    /** A command line whose errors print one clear line (the message names the file or field), not a trace. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Neurowatch());
        // serve --help ends with every settings key, read off the same table as the parser.
        cl.getSubcommands().get("serve").getCommandSpec().usageMessage().footer(settingsFooter());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            boolean input = ex instanceof IllegalArgumentException || ex instanceof java.io.IOException;
            err.println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (!input || Boolean.getBoolean("neurowatch.debug")) {
                ex.printStackTrace(err);
            }
            err.flush();
            return input ? EXIT_BAD_INPUT : 1;
        });
        return cl;
    }
}
