package io.fleet.simulator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code fleet sim}: what-if tools and drills that run Fleet's real code without root or a network. */
@Command(
    name = "fleet sim",
    mixinStandardHelpOptions = true,
    description = "Run Fleet's real scheduler and forwarding code offline: what-ifs, replays, drills.",
    subcommands = {SchedCommand.class, ReplayCommand.class, DrillCommand.class})
public final class SimMain implements Callable<Integer>
{
    /** Exit code for bad arguments. */
    static final int EXIT_USAGE = 2;

    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    static int run(final String... args)
    {
        return commandLine().execute(args);
    }

    static CommandLine commandLine()
    {
        final CommandLine cli = new CommandLine(new SimMain());
        cli.setCommandName("fleet sim");
        cli.setExitCodeExceptionMapper(ex -> EXIT_USAGE);
        cli.setParameterExceptionHandler((ex, args) ->
        {
            ex.getCommandLine().getErr().println("fleet sim: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                + " --help'.");
            return EXIT_USAGE;
        });
        return cli;
    }

    @Override
    public Integer call()
    {
        CommandLine.usage(this, System.err);
        return EXIT_USAGE;
    }
}
