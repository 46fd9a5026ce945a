package dev.junction.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code junction} command: entry point of the launcher script at the repository root. */
@Command(
        name = "junction",
        mixinStandardHelpOptions = true,
        version = "junction 0.1.0-SNAPSHOT",
        description = "Junction: one JDBC URL for a replicated PostgreSQL or MySQL/MariaDB deployment.",
        subcommands = {
            DemoCommand.class,
            StatusCommand.class,
            ConflictTablesCommand.class,
            ReconcileCommand.class,
            BenchCommand.class
        })
public final class JunctionCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new JunctionCommand()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
