package io.fleet.director.daemon;

import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.fleet.vrrp.agent.AgentRunner;
import io.fleet.vrrp.config.VrrpSettings;
import io.fleet.vrrp.wire.VrrpInstanceConfig;
import io.fleet.vrrp.wire.WireNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A director in VRRP wire mode only: the {@code fleet.vrrp.wire-instances} of a config file spoken on
 * {@code director.interface} through pcap, beside Keepalived nodes or routers during a migration. No cluster, no
 * forwarding: the smallest process that holds VIPs the way a Keepalived node does (answers ARP for them while
 * master, gratuitous ARPs on takeover), so that it can be run, and killed, on its own.
 * <p>
 * Prints {@code READY <interface> <mac>} once the link is open and {@code STATE <instance> <from> <to>} on every
 * transition (stdout, for scripts and tests). SIGTERM sends priority 0 adverts (the backups take over after their
 * skew time) and exits (143, as any JVM on SIGTERM); a configuration that cannot be used exits 2 with every
 * problem named.
 */
public final class WireMain
{
    private static final Logger LOG = LoggerFactory.getLogger(WireMain.class);

    private WireMain()
    {
    }

    /** What {@link #main} runs on: the checked file. */
    record Settings(String interfaceName, VrrpSettings vrrp)
    {
    }

    /**
     * Reads and checks the file: {@code director.interface} and at least one {@code fleet.vrrp.wire-instances}
     * entry, each valid.
     *
     * @throws io.fleet.director.config.ConfigException naming the file, line and key.
     */
    static Settings load(final File file)
    {
        if (!file.isFile())
        {
            throw new io.fleet.director.config.ConfigException(List.of(file + ": no such file"));
        }
        final Config config;
        final VrrpSettings vrrp;
        try
        {
            config = ConfigFactory.parseFile(file).withFallback(ConfigFactory.defaultReference()).resolve();
        }
        catch (final ConfigException ex)
        {
            throw problem(file, ex);
        }
        try
        {
            vrrp = VrrpSettings.from(config);
        }
        catch (final ConfigException ex)
        {
            throw problem(file, ex);
        }
        catch (final IllegalArgumentException ex)
        {
            // The wire instance's own checks (VRID, addresses, password) name the value but not where it is.
            final int line = config.hasPath("fleet.vrrp.wire-instances")
                ? config.getValue("fleet.vrrp.wire-instances").origin().lineNumber() : -1;
            throw new io.fleet.director.config.ConfigException(List.of(file + (line > 0 ? ":" + line : "") +
                ": fleet.vrrp.wire-instances: " + ex.getMessage()));
        }
        final String interfaceName;
        try
        {
            interfaceName = config.hasPath("director.interface") ? config.getString("director.interface") : "";
        }
        catch (final ConfigException ex)
        {
            throw problem(file, ex);
        }
        if (interfaceName.isBlank())
        {
            throw new io.fleet.director.config.ConfigException(List.of(file +
                ": director.interface: missing (the NIC wire mode speaks VRRP on, e.g. eth1)"));
        }
        if (vrrp.wireInstances().isEmpty())
        {
            throw new io.fleet.director.config.ConfigException(List.of(file +
                ": fleet.vrrp.wire-instances: empty (nothing to run in wire mode)"));
        }
        return new Settings(interfaceName, vrrp);
    }

    private static io.fleet.director.config.ConfigException problem(final File file, final ConfigException ex)
    {
        return new io.fleet.director.config.ConfigException(List.of(file + (ex.origin() != null &&
            ex.origin().lineNumber() > 0 ? ":" + ex.origin().lineNumber() : "") + ": " + ex.getMessage()));
    }

    /**
     * Wire mode running on one link: the {@link WireNode} on its own vrrp thread. {@link #close} sends the priority 0
     * adverts (through {@code WireNode.onClose}) while the link is still open, then closes the link.
     */
    static final class Running implements AutoCloseable
    {
        private final PcapWireLink link;
        private final WireNode node;
        private final AgentRunner runner;

        private Running(final PcapWireLink link, final WireNode node, final AgentRunner runner)
        {
            this.link = link;
            this.node = node;
            this.runner = runner;
        }

        byte[] macAddress()
        {
            return link.macAddress();
        }

        WireNode node()
        {
            return node;
        }

        @Override
        public void close()
        {
            try
            {
                runner.close();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            link.close();
        }
    }

    /**
     * Opens {@code link} and runs {@code instances} on it (what {@code WireMain} and {@code fleet run} in wire or
     * pcap mode do). Every transition goes to {@code listener} (logged here too).
     */
    static Running start(
        final PcapWireLink link, final VrrpSettings vrrp, final List<VrrpInstanceConfig> instances,
        final WireNode.Listener listener)
    {
        final WireNode node = new WireNode(link, vrrp.announce(), instances, (instance, from, to) ->
        {
            LOG.info("VRRP instance {} {} -> {}", instance, from, to);
            listener.onStateChange(instance, from, to);
        });
        node.startup(System.nanoTime());
        final AgentRunner runner = new AgentRunner("fleet-vrrp-wire", node, 10_000_000L);
        node.wakeUp(runner::wake);
        runner.start();
        return new Running(link, node, runner);
    }

    static String mac(final byte[] mac)
    {
        return String.format(Locale.ROOT, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 2 || !args[0].equals("--config"))
        {
            System.err.println("usage: WireMain --config FILE");
            System.exit(Fleetd.EXIT_CONFIG);
        }
        final Settings settings;
        try
        {
            settings = load(new File(args[1]));
        }
        catch (final io.fleet.director.config.ConfigException ex)
        {
            ex.problems().forEach(p -> System.err.println("fleet wire: " + p));
            System.exit(Fleetd.EXIT_CONFIG);
            return;
        }
        final PcapWireLink link;
        try
        {
            link = new PcapWireLink(settings.interfaceName());
        }
        catch (final Exception ex)
        {
            System.err.println("fleet wire: cannot open " + settings.interfaceName() + ": " + ex.getMessage());
            System.exit(1);
            return;
        }
        final Running running = start(link, settings.vrrp(), settings.vrrp().wireInstances(),
            (instance, from, to) -> say("STATE " + instance + " " + from + " " + to));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            running.close();
            stopped.countDown();
        }, "fleet-wire-shutdown"));
        say("READY " + settings.interfaceName() + " " + mac(link.macAddress()));
        stopped.await();
    }

    private static void say(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }
}
