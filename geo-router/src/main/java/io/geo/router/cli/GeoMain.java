package io.geo.router.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/geo}: dispatches to subcommands. Exit codes: 0 ok, 1 failure found, 2 bad usage. */
@Command(
    name = "geo",
    mixinStandardHelpOptions = true,
    versionProvider = GeoMain.Version.class,
    description = "Geo-replicated EPaxos key-value middleware.",
    subcommands = {DemoCommand.class, ClusterCommand.class, SidecarCommand.class, SimCommand.class, SqlCommand.class,
        LoadCommand.class, WanCommand.class, CommandLine.HelpCommand.class})
public final class GeoMain implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(final String... args)
    {
        final CommandLine commandLine = new CommandLine(new GeoMain());
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) ->
        {
            cmd.getErr().println("geo: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 2;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = GeoMain.class.getPackage().getImplementationVersion();
            return new String[] {"geo " + (version == null ? "development build" : version)};
        }
    }
}
