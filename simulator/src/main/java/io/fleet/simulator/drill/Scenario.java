package io.fleet.simulator.drill;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;

import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A drill's script: a name, knob defaults and timed events (faults and changes), read from a small HOCON file. The
 * built-in scenarios are such files in this module's resources ({@code scenarios/NAME.conf}). Each event happens
 * at {@code at} plus a seeded draw in {@code [0, jitter)}, so one seed gives the same fault moments in every run.
 */
public final class Scenario
{
    /** The built-in scenarios, in the order {@code --help} lists them. */
    public static final List<String> BUILT_INS = List.of("kill-holder", "partition", "join", "rolling-restart", "rs-fail",
        "weight-change", "partition-and-rs-change");

    /** What an event does. */
    public enum Action
    {
        /** The director holding VIP group {@code group} (0-based) crashes: cluster links cut, port dark. */
        KILL_HOLDER,
        /** Director {@code director} (1-based) crashes. */
        KILL,
        /** Directors split: {@code minority} of them (seeded pick) lose the others; clients and servers stay with the majority. */
        PARTITION,
        /** Every partition ends. */
        HEAL,
        /** {@code count} new directors join under load. */
        JOIN,
        /** Every director in turn leaves gracefully and starts again; {@code gap} between them. */
        ROLLING_RESTART,
        /** {@code count} real servers (seeded pick) die; the directors take them out after health-delay. */
        RS_FAIL,
        /** {@code share} of the server count is added (servers that were configured at weight 0 get weight 1). */
        RS_ADD,
        /** {@code share} of the servers (seeded pick) get weight {@code weight}. */
        WEIGHT;

        static Action parse(final String text, final String where)
        {
            for (final Action a : values())
            {
                if (a.name().replace('_', '-').toLowerCase(Locale.ROOT).equals(text))
                {
                    return a;
                }
            }
            final List<String> names = new ArrayList<>();
            for (final Action a : values())
            {
                names.add(a.name().replace('_', '-').toLowerCase(Locale.ROOT));
            }
            throw new DrillException(where + ": unknown action '" + text + "'; one of " + String.join(", ", names));
        }

        public String label()
        {
            return name().replace('_', '-').toLowerCase(Locale.ROOT);
        }
    }

    /** One event as written: at, jitter, what, and its parameters. */
    public record Event(long atMs, long jitterMs, Action action, int group, int director, int minority, int count,
        double share, int weight, long gapMs)
    {
    }

    /** An event resolved for a seed: when it happens, from the start of traffic. */
    public record Fault(long atMs, Event event)
    {
        public String label()
        {
            return event.action().label();
        }
    }

    private final String name;
    private final String description;
    private final Config knobs;
    private final List<Event> events;
    private final String origin;

    private Scenario(final String name, final String description, final Config knobs, final List<Event> events, final String origin)
    {
        this.name = name;
        this.description = description;
        this.knobs = knobs;
        this.events = List.copyOf(events);
        this.origin = origin;
    }

    public String name()
    {
        return name;
    }

    public String description()
    {
        return description;
    }

    public List<Event> events()
    {
        return events;
    }

    /** The scenario's knob defaults applied over {@code base}. */
    public Knobs knobs(final Knobs base)
    {
        return base.copy().apply(knobs, origin);
    }

    /** Whether the file sets this knob (the command line still wins). */
    public boolean setsKnob(final String key)
    {
        return knobs.hasPath(key);
    }

    /** A built-in scenario by name, or a file's path. */
    public static Scenario load(final String nameOrFile)
    {
        if (BUILT_INS.contains(nameOrFile))
        {
            final String resource = "/scenarios/" + nameOrFile + ".conf";
            try (InputStream in = Scenario.class.getResourceAsStream(resource))
            {
                if (in == null)
                {
                    throw new DrillException("built-in scenario " + nameOrFile + " is missing from the jar (" + resource + ")");
                }
                try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8))
                {
                    return parse(ConfigFactory.parseReader(r, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                        .setOriginDescription(resource)), resource);
                }
            }
            catch (final java.io.IOException ex)
            {
                throw new DrillException("reading " + resource + ": " + ex.getMessage(), ex);
            }
        }
        final File file = new File(nameOrFile);
        if (!file.isFile())
        {
            throw new DrillException("scenario '" + nameOrFile + "' is neither a built-in (" + String.join(", ", BUILT_INS)
                + ") nor a readable file");
        }
        final Config c;
        try
        {
            c = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
        }
        catch (final ConfigException ex)
        {
            throw new DrillException(ex.getMessage());
        }
        return parse(c, file.getPath());
    }

    static Scenario parse(final Config c, final String origin)
    {
        try
        {
            final String name = c.hasPath("name") ? c.getString("name") : new File(origin).getName().replace(".conf", "");
            final String description = c.hasPath("description") ? c.getString("description") : "";
            final Config knobs = c.hasPath("knobs") ? c.getConfig("knobs") : ConfigFactory.empty();
            final List<Event> events = new ArrayList<>();
            if (c.hasPath("events"))
            {
                for (final Config e : c.getConfigList("events"))
                {
                    events.add(event(e, origin));
                }
            }
            for (final String key : c.root().keySet())
            {
                if (!List.of("name", "description", "knobs", "events").contains(key))
                {
                    throw new DrillException(origin + ":" + c.getValue(key).origin().lineNumber() + ": unknown key '" + key
                        + "' (name, description, knobs, events)");
                }
            }
            // Knobs are checked now, so that a typo fails before a fleet starts.
            new Knobs().apply(knobs, origin);
            return new Scenario(name, description, knobs, events, origin);
        }
        catch (final ConfigException ex)
        {
            throw new DrillException(origin + ": " + ex.getMessage());
        }
    }

    private static Event event(final Config e, final String origin)
    {
        final String where = origin + ":" + e.origin().lineNumber();
        if (!e.hasPath("at") || !e.hasPath("action"))
        {
            throw new DrillException(where + ": an event needs 'at' (a duration) and 'action'");
        }
        final Action action = Action.parse(e.getString("action"), where);
        final long atMs = e.getDuration("at", TimeUnit.MILLISECONDS);
        final long jitterMs = e.hasPath("jitter") ? e.getDuration("jitter", TimeUnit.MILLISECONDS) : 0;
        final int count = e.hasPath("count") ? e.getInt("count") : 1;
        final double share = e.hasPath("share") ? e.getDouble("share") : 0.1;
        if (atMs < 0 || jitterMs < 0 || count < 1 || share <= 0 || share > 1)
        {
            throw new DrillException(where + ": at and jitter must be >= 0, count >= 1, share in (0, 1]");
        }
        return new Event(atMs, jitterMs, action, e.hasPath("group") ? e.getInt("group") : 0,
            e.hasPath("director") ? e.getInt("director") : 1, e.hasPath("minority") ? e.getInt("minority") : 1, count, share,
            e.hasPath("weight") ? e.getInt("weight") : 3, e.hasPath("gap") ? e.getDuration("gap", TimeUnit.MILLISECONDS) : 1_000);
    }

    /** The events' moments for a seed (the workload uses other draws of the same seed). */
    public List<Fault> faults(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed ^ 0x5EED_FA17L);
        final List<Fault> out = new ArrayList<>();
        for (final Event e : events)
        {
            final long jitter = e.jitterMs() > 0 ? random.nextLong(e.jitterMs()) : 0;
            out.add(new Fault(e.atMs() + jitter, e));
        }
        out.sort((a, b) -> Long.compare(a.atMs(), b.atMs()));
        return out;
    }
}
