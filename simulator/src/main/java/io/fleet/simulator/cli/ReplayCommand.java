package io.fleet.simulator.cli;

import io.fleet.director.config.ConfigException;
import io.fleet.director.config.DirectorConfig;
import io.fleet.director.forward.Destination;
import io.fleet.director.forward.ForwardingConfig;
import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.pcap.PcapReader;
import io.fleet.director.pcap.PcapRecord;
import io.fleet.director.pcap.PcapWriter;
import io.fleet.director.sched.SchedulerOptions;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code fleet sim replay}: every frame of a capture through the real forwarding core, as one director with the
 * given configuration; what it would transmit goes to another capture, with the input frame's timestamp.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Replay an Ethernet pcap through Fleet's forwarding core as one director, writing what it would send.",
        "",
        "  ./fleet sim replay --config director.conf --in in.pcap --out out.pcap --report",
        "",
        "Time follows the capture's timestamps (connections expire as they would have). The config's keys are in",
        "docs/config.md. Bad input: a clear error naming the file, line or record, exit 2."},
    sortOptions = false)
final class ReplayCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Director configuration (HOCON).")
    File config;

    @Option(names = "--in", required = true, paramLabel = "PCAP", description = "Input capture, Ethernet link type.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "PCAP", description = "Where to write the frames the director sends.")
    Path out;

    @Option(names = "--report", description = "Print counters by verdict and reason, and per real server.")
    boolean report;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed for twos (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call()
    {
        final PrintWriter stdout = spec.commandLine().getOut();
        final PrintWriter stderr = spec.commandLine().getErr();
        final ForwardingConfig fc;
        try
        {
            fc = DirectorConfig.load(config, SchedulerOptions.DEFAULTS.withRandomSeed(seed));
        }
        catch (final ConfigException ex)
        {
            ex.problems().forEach(p -> stderr.println("fleet sim replay: " + p));
            return SimMain.EXIT_USAGE;
        }
        try (PcapReader reader = PcapReader.open(in); PcapWriter writer = PcapWriter.create(out))
        {
            final long[] now = new long[1];
            final ForwardingCore core = new ForwardingCore(fc, (buffer, offset, length) ->
            {
                try
                {
                    writer.write(now[0], buffer, offset, length);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }, 0);
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[0]);
            PcapRecord record;
            long frames = 0;
            while ((record = reader.next()) != null)
            {
                now[0] = record.timestampNs();
                core.poll(now[0]);
                frame.wrap(record.data());
                core.process(frame, 0, record.data().length, now[0]);
                frames++;
            }
            if (report)
            {
                stdout.printf(Locale.ROOT, "replayed %d frames from %s into %s%n%n", frames, in, out);
                stdout.print(core.counters().report());
                stdout.printf(Locale.ROOT, "%n%-28s %8s %10s %10s %12s %12s %6s %6s%n", "real server", "conns", "pkts_in",
                    "pkts_out", "bytes_in", "bytes_out", "active", "inact");
                for (int i = 0; i < core.destinationCount(); i++)
                {
                    final Destination d = core.destination(i);
                    stdout.printf(Locale.ROOT, "%-28s %8d %10d %10d %12d %12d %6d %6d%n", d.server().endpoint(), d.connections(),
                        d.packetsIn(), d.packetsOut(), d.bytesIn(), d.bytesOut(), d.server().activeConnections(),
                        d.server().inactiveConnections());
                }
                stdout.printf(Locale.ROOT, "%nconnections in table at the end: %d IPv4, %d IPv6%n", core.table(false).size(),
                    core.table(true).size());
            }
            stdout.flush();
            return 0;
        }
        catch (final IOException | UncheckedIOException ex)
        {
            stderr.println("fleet sim replay: " + ex.getMessage());
            return SimMain.EXIT_USAGE;
        }
    }
}
