package io.fleet.director.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.fleet.director.health.CheckSpec;
import io.fleet.director.health.CheckType;
import io.fleet.director.health.CommandLine;
import io.fleet.director.health.OnFailure;
import io.fleet.director.service.InvalidServiceException;
import io.fleet.director.service.IpAddress;
import io.fleet.sync.catalog.Quorum;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the {@code health-check} blocks of a service and of its real servers and the service's {@code quorum}
 * (documented in {@code docs/config.md} and {@code docs/health.md}). A real server's block overrides the
 * service's key by key; one that sets {@code type} replaces it. Every problem goes to the file's list with the
 * block's own key, each only once even when several real servers inherit it.
 */
final class HealthConfigReader
{
    /** Where DirectorConfig collects problems as {@code FILE:LINE: KEY: message}. */
    @FunctionalInterface
    interface Problems
    {
        void add(ConfigValue at, String key, String message);
    }

    static final String BLOCK = "health-check";
    static final String QUORUM = "quorum";

    private static final Set<String> COMMON = Set.of("type", "delay-loop", "connect-timeout", "retry", "delay-before-retry",
        "fall", "rise", "alpha", "on-failure", "warmup", "connect-ip", "connect-port", "notify-up", "notify-down",
        "notify-timeout");
    private static final Set<String> HTTP = Set.of("path", "status-codes", "digest", "virtualhost", "http-version");
    private static final Set<String> UDP = Set.of("payload", "require-reply", "min-reply-length", "max-reply-length");
    private static final Set<String> MISC = Set.of("misc-path", "misc-timeout", "misc-dynamic");
    private static final Set<String> ALL = union(COMMON, HTTP, UDP, MISC);
    private static final long DAY_MS = 86_400_000L;

    static Set<String> keys()
    {
        return ALL;
    }
    private static final long HOUR_MS = 3_600_000L;

    private final Problems problems;
    private final Set<String> reported = new HashSet<>();

    HealthConfigReader(final Problems problems)
    {
        this.problems = problems;
    }

    private static Set<String> union(final Set<String>... sets)
    {
        final Set<String> all = new HashSet<>();
        for (final Set<String> s : sets)
        {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }

    /** A block's values, checked one by one, each with where it was written. */
    static final class Block
    {
        final Map<String, Object> values = new LinkedHashMap<>();
        final Map<String, ConfigValue> at = new LinkedHashMap<>();
        final Map<String, String> keyOf = new LinkedHashMap<>();
        /** Keys written in the block, valid or not, so that an invalid one is not also called missing. */
        final Set<String> present = new HashSet<>();
        ConfigValue origin;
        String key;

        Block overlay(final Block over)
        {
            final Block b = new Block();
            b.values.putAll(values);
            b.at.putAll(at);
            b.keyOf.putAll(keyOf);
            b.values.putAll(over.values);
            b.at.putAll(over.at);
            b.keyOf.putAll(over.keyOf);
            b.present.addAll(present);
            b.present.addAll(over.present);
            b.origin = over.origin;
            b.key = over.key;
            return b;
        }
    }

    private void problem(final ConfigValue at, final String key, final String message)
    {
        final String id = (at == null ? "" : at.origin().description()) + key + message;
        if (reported.add(id))
        {
            problems.add(at, key, message);
        }
    }

    /** The service's quorum rule; {@code majority} when absent. */
    Quorum quorum(final ConfigObject service, final String key)
    {
        final ConfigValue v = service.get(QUORUM);
        if (v == null)
        {
            return Quorum.MAJORITY;
        }
        if (v.valueType() == ConfigValueType.STRING)
        {
            for (final Quorum q : Quorum.values())
            {
                if (q.name().toLowerCase(Locale.ROOT).equals(v.unwrapped()))
                {
                    return q;
                }
            }
        }
        problem(v, key + "." + QUORUM, "must be any, majority or all (got '" + v.unwrapped() + "')");
        return Quorum.MAJORITY;
    }

    /** Reads one {@code health-check} block; null when {@code holder} has none or it is not an object. */
    Block block(final ConfigObject holder, final String holderKey)
    {
        final ConfigValue v = holder.get(BLOCK);
        if (v == null)
        {
            return null;
        }
        final String key = holderKey + "." + BLOCK;
        if (v.valueType() != ConfigValueType.OBJECT)
        {
            problem(v, key, "must be an object such as { type = tcp, delay-loop = 5 s }");
            return null;
        }
        final ConfigObject o = (ConfigObject)v;
        final Block b = new Block();
        b.origin = v;
        b.key = key;
        for (final Map.Entry<String, ConfigValue> e : o.entrySet())
        {
            final String k = e.getKey();
            final ConfigValue value = e.getValue();
            final String full = key + "." + k;
            if (!ALL.contains(k))
            {
                problem(value, full, "unknown key; expected one of " + new TreeSet<>(ALL));
                continue;
            }
            b.present.add(k);
            final Object parsed = parse(k, value, full);
            if (parsed != null)
            {
                b.values.put(k, parsed);
                b.at.put(k, value);
                b.keyOf.put(k, full);
            }
        }
        return b;
    }

    private Object parse(final String k, final ConfigValue v, final String key)
    {
        return switch (k)
        {
            case "type" ->
            {
                final CheckType t = v.valueType() == ConfigValueType.STRING ? CheckType.parse((String)v.unwrapped()) : null;
                if (t == null)
                {
                    problem(v, key, "must be tcp, http, https, udp or misc (got '" + v.unwrapped() + "')");
                }
                yield t;
            }
            case "delay-loop" -> duration(v, key, 10, DAY_MS);
            case "connect-timeout" -> duration(v, key, 10, HOUR_MS);
            case "delay-before-retry", "warmup" -> duration(v, key, 0, DAY_MS);
            case "misc-timeout", "notify-timeout" -> duration(v, key, 10, HOUR_MS);
            case "retry" -> integer(v, key, 0, 100);
            case "fall", "rise" -> integer(v, key, 1, 100);
            case "connect-port" -> integer(v, key, 1, 65535);
            case "min-reply-length", "max-reply-length" -> integer(v, key, 0, 65507);
            case "alpha", "misc-dynamic" -> bool(v, key);
            case "on-failure" ->
            {
                final Object s = v.unwrapped();
                if ("inhibit".equals(s))
                {
                    yield OnFailure.INHIBIT;
                }
                if ("remove".equals(s))
                {
                    yield OnFailure.REMOVE;
                }
                problem(v, key, "must be inhibit (weight 0) or remove (got '" + s + "')");
                yield null;
            }
            case "connect-ip" ->
            {
                final String s = string(v, key);
                if (s == null)
                {
                    yield null;
                }
                try
                {
                    IpAddress.parse(key, s);
                    yield s;
                }
                catch (final InvalidServiceException ex)
                {
                    problem(v, key, "not an IP address (got '" + s + "')");
                    yield null;
                }
            }
            case "path" ->
            {
                final String s = string(v, key);
                if (s != null && !s.startsWith("/"))
                {
                    problem(v, key, "must start with '/' (got '" + s + "')");
                    yield null;
                }
                yield s;
            }
            case "digest" ->
            {
                final String s = string(v, key);
                if (s != null && !s.matches("[0-9a-fA-F]{32}"))
                {
                    problem(v, key, "must be 32 hex digits, an MD5 as genhash prints it (got '" + s + "')");
                    yield null;
                }
                yield s;
            }
            case "virtualhost" -> string(v, key);
            case "http-version" ->
            {
                final Object s = v.unwrapped();
                if ("1.0".equals(String.valueOf(s)) || "1.1".equals(String.valueOf(s)))
                {
                    yield String.valueOf(s);
                }
                problem(v, key, "must be \"1.0\" or \"1.1\" (got '" + s + "')");
                yield null;
            }
            case "status-codes" -> statusCodes(v, key);
            case "payload" ->
            {
                final String s = string(v, key);
                yield s == null ? null : hex(v, key, s, false);
            }
            case "require-reply" ->
            {
                if (v.valueType() == ConfigValueType.BOOLEAN)
                {
                    yield v.unwrapped();
                }
                if (v.valueType() == ConfigValueType.STRING)
                {
                    yield hex(v, key, (String)v.unwrapped(), true);
                }
                problem(v, key, "must be true, false or the expected reply in hex (got '" + v.unwrapped() + "')");
                yield null;
            }
            case "misc-path", "notify-up", "notify-down" -> command(v, key);
            default -> throw new IllegalStateException(k);
        };
    }

    /**
     * Builds the spec of one real server from its merged block, checking what only the whole block can tell:
     * a type, keys that belong to the type, a program for MISC_CHECK, reply lengths in order.
     */
    CheckSpec spec(final Block b)
    {
        final CheckType type = (CheckType)b.values.get("type");
        if (type == null)
        {
            if (!b.present.contains("type"))
            {
                problem(b.origin, b.key + ".type", "missing; one of tcp, http, https, udp, misc");
            }
            return null;
        }
        boolean ok = true;
        for (final String k : b.values.keySet())
        {
            final Set<String> only = HTTP.contains(k) ? HTTP : UDP.contains(k) ? UDP : MISC.contains(k) ? MISC : null;
            final boolean fits = only == null
                || only == HTTP && (type == CheckType.HTTP || type == CheckType.HTTPS)
                || only == UDP && type == CheckType.UDP
                || only == MISC && type == CheckType.MISC;
            if (!fits)
            {
                problem(b.at.get(k), b.keyOf.get(k), "only for " + (only == HTTP ? "http and https" : only == UDP ? "udp" : "misc")
                    + " checks, not " + type.configName());
                ok = false;
            }
        }
        if (type == CheckType.MISC && !b.present.contains("misc-path"))
        {
            problem(b.origin, b.key + ".misc-path", "missing: the program a misc check runs");
            ok = false;
        }
        if (!ok || !b.values.keySet().containsAll(b.present))
        {
            // Each bad value has been reported where it was written; building would only repeat it.
            return null;
        }
        final CheckSpec.Builder s = CheckSpec.builder(type);
        try
        {
            longValue(b, "delay-loop", s::delayLoopMs);
            longValue(b, "connect-timeout", s::connectTimeoutMs);
            if (b.values.containsKey("retry"))
            {
                s.retry((Integer)b.values.get("retry"));
            }
            longValue(b, "delay-before-retry", s::delayBeforeRetryMs);
            if (b.values.containsKey("fall"))
            {
                s.fall((Integer)b.values.get("fall"));
            }
            if (b.values.containsKey("rise"))
            {
                s.rise((Integer)b.values.get("rise"));
            }
            if (b.values.containsKey("alpha"))
            {
                s.alpha((Boolean)b.values.get("alpha"));
            }
            if (b.values.containsKey("on-failure"))
            {
                s.onFailure((OnFailure)b.values.get("on-failure"));
            }
            longValue(b, "warmup", s::warmupMs);
            s.connectIp((String)b.values.get("connect-ip"));
            if (b.values.containsKey("connect-port"))
            {
                s.connectPort((Integer)b.values.get("connect-port"));
            }
            if (b.values.containsKey("path"))
            {
                s.path((String)b.values.get("path"));
            }
            if (b.values.containsKey("status-codes"))
            {
                s.statusCodes((int[])b.values.get("status-codes"));
            }
            s.digest((String)b.values.get("digest"));
            s.virtualhost((String)b.values.get("virtualhost"));
            s.http10("1.0".equals(b.values.get("http-version")));
            if (b.values.containsKey("payload"))
            {
                s.payload(((byte[][])b.values.get("payload"))[0]);
            }
            final Object reply = b.values.get("require-reply");
            if (reply instanceof Boolean r)
            {
                s.requireReply(r, null, null);
            }
            else if (reply instanceof byte[][] bytesAndMask)
            {
                s.requireReply(true, bytesAndMask[0], bytesAndMask[1]);
            }
            final int min = (Integer)b.values.getOrDefault("min-reply-length", 0);
            final int max = (Integer)b.values.getOrDefault("max-reply-length", CheckSpec.DEFAULT_MAX_REPLY_LENGTH);
            if (min > max)
            {
                problem(b.at.getOrDefault("min-reply-length", b.origin), b.key + ".min-reply-length",
                    "is above max-reply-length " + max + " (got " + min + ")");
                ok = false;
            }
            else
            {
                s.replyLength(min, max);
            }
            commandValue(b, "misc-path", s::miscCommand);
            longValue(b, "misc-timeout", s::miscTimeoutMs);
            if (b.values.containsKey("misc-dynamic"))
            {
                s.miscDynamic((Boolean)b.values.get("misc-dynamic"));
            }
            commandValue(b, "notify-up", s::notifyUp);
            commandValue(b, "notify-down", s::notifyDown);
            longValue(b, "notify-timeout", s::notifyTimeoutMs);
            return ok ? s.build() : null;
        }
        catch (final IllegalArgumentException ex)
        {
            problem(b.origin, b.key, ex.getMessage());
            return null;
        }
    }

    private static void longValue(final Block b, final String k, final java.util.function.LongConsumer set)
    {
        if (b.values.containsKey(k))
        {
            set.accept((Long)b.values.get(k));
        }
    }

    @SuppressWarnings("unchecked")
    private static void commandValue(final Block b, final String k, final java.util.function.Consumer<List<String>> set)
    {
        if (b.values.containsKey(k))
        {
            set.accept((List<String>)b.values.get(k));
        }
    }

    // ---------------------------------------------------------------------------------------------- values

    /** Seconds as a number (fractions allowed, as Keepalived's timers), or a HOCON duration such as "500 ms". */
    private Long duration(final ConfigValue v, final String key, final long minMs, final long maxMs)
    {
        final long ms;
        if (v.valueType() == ConfigValueType.NUMBER)
        {
            ms = Math.round(((Number)v.unwrapped()).doubleValue() * 1000.0);
        }
        else if (v.valueType() == ConfigValueType.STRING)
        {
            try
            {
                ms = ConfigFactory.empty().withValue("d", v).getDuration("d").toMillis();
            }
            catch (final ConfigException ex)
            {
                problem(v, key, "must be seconds or a duration such as \"500 ms\" (got '" + v.unwrapped() + "')");
                return null;
            }
        }
        else
        {
            problem(v, key, "must be seconds or a duration such as \"500 ms\" (got '" + v.unwrapped() + "')");
            return null;
        }
        if (ms < minMs || ms > maxMs)
        {
            problem(v, key, "must be " + text(minMs) + ".." + text(maxMs) + " (got " + text(ms) + ")");
            return null;
        }
        return ms;
    }

    private static String text(final long ms)
    {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private Integer integer(final ConfigValue v, final String key, final int min, final int max)
    {
        if (v.valueType() != ConfigValueType.NUMBER || !(v.unwrapped() instanceof Integer))
        {
            problem(v, key, "must be a whole number " + min + ".." + max + " (got '" + v.unwrapped() + "')");
            return null;
        }
        final int value = (Integer)v.unwrapped();
        if (value < min || value > max)
        {
            problem(v, key, "must be " + min + ".." + max + " (got " + value + ")");
            return null;
        }
        return value;
    }

    private Boolean bool(final ConfigValue v, final String key)
    {
        if (v.valueType() != ConfigValueType.BOOLEAN)
        {
            problem(v, key, "must be true or false (got '" + v.unwrapped() + "')");
            return null;
        }
        return (Boolean)v.unwrapped();
    }

    private String string(final ConfigValue v, final String key)
    {
        if (v.valueType() != ConfigValueType.STRING)
        {
            problem(v, key, "must be a string, not " + v.valueType().name().toLowerCase(Locale.ROOT));
            return null;
        }
        return (String)v.unwrapped();
    }

    /** A command line (split into words as Keepalived does) or a list of words. */
    private List<String> command(final ConfigValue v, final String key)
    {
        if (v.valueType() == ConfigValueType.LIST)
        {
            final List<String> words = new ArrayList<>();
            for (final ConfigValue w : (ConfigList)v)
            {
                if (w.valueType() != ConfigValueType.STRING && w.valueType() != ConfigValueType.NUMBER)
                {
                    problem(w, key, "must be a list of strings");
                    return null;
                }
                words.add(String.valueOf(w.unwrapped()));
            }
            if (words.isEmpty())
            {
                problem(v, key, "must not be empty");
                return null;
            }
            return List.copyOf(words);
        }
        final String s = string(v, key);
        if (s == null)
        {
            return null;
        }
        try
        {
            return CommandLine.split(s);
        }
        catch (final IllegalArgumentException ex)
        {
            problem(v, key, ex.getMessage());
            return null;
        }
    }

    /** {@code 200}, {@code "200-299 301"}, or a list of either. */
    private int[] statusCodes(final ConfigValue v, final String key)
    {
        final List<String> words = new ArrayList<>();
        if (v.valueType() == ConfigValueType.LIST)
        {
            for (final ConfigValue w : (ConfigList)v)
            {
                words.addAll(List.of(String.valueOf(w.unwrapped()).trim().split("\\s+")));
            }
        }
        else if (v.valueType() == ConfigValueType.NUMBER || v.valueType() == ConfigValueType.STRING)
        {
            words.addAll(List.of(String.valueOf(v.unwrapped()).trim().split("\\s+")));
        }
        final int[] pairs = new int[words.size() * 2];
        int i = 0;
        for (final String w : words)
        {
            final String[] range = w.split("-", -1);
            try
            {
                if (range.length > 2)
                {
                    throw new NumberFormatException(w);
                }
                final int from = Integer.parseInt(range[0]);
                final int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                if (from < 100 || to > 599 || from > to)
                {
                    problem(v, key, "status codes must be 100..599, ranges low-high (got '" + w + "')");
                    return null;
                }
                pairs[i++] = from;
                pairs[i++] = to;
            }
            catch (final NumberFormatException ex)
            {
                problem(v, key, "must be status codes or ranges such as \"200-299 301\" (got '" + w + "')");
                return null;
            }
        }
        if (pairs.length == 0)
        {
            problem(v, key, "must list at least one status code");
            return null;
        }
        return pairs;
    }

    /**
     * Keepalived's free-form hex ({@code HEX_STR}): blank-separated groups of hex digits, two per byte; a group
     * of odd length ends with a byte holding its last digit ({@code "Ab12f 3"} is AB 12 0F 03). Where
     * {@code wildcards} is set, an {@code x} matches any digit. Returns {bytes, mask}.
     */
    private byte[][] hex(final ConfigValue v, final String key, final String text, final boolean wildcards)
    {
        final List<int[]> nibbles = new ArrayList<>();
        for (final String group : text.trim().split("\\s+"))
        {
            if (group.isEmpty())
            {
                continue;
            }
            for (int i = 0; i < group.length(); i += 2)
            {
                final boolean pair = i + 1 < group.length();
                final int[] hi = nibble(group.charAt(i), wildcards);
                final int[] lo = pair ? nibble(group.charAt(i + 1), wildcards) : null;
                if (hi == null || pair && lo == null)
                {
                    problem(v, key, "must be hex digits" + (wildcards ? " (x for any)" : "") + " (got '" + text + "')");
                    return null;
                }
                nibbles.add(pair ? new int[]{hi[0] << 4 | lo[0], hi[1] << 4 | lo[1]} : new int[]{hi[0], 0xF0 | hi[1]});
            }
        }
        if (nibbles.isEmpty())
        {
            problem(v, key, "must hold at least one byte in hex");
            return null;
        }
        final byte[] bytes = new byte[nibbles.size()];
        final byte[] mask = new byte[nibbles.size()];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)nibbles.get(i)[0];
            mask[i] = (byte)nibbles.get(i)[1];
        }
        return new byte[][]{bytes, mask};
    }

    /** {value, mask} of one hex digit, or null. */
    private static int[] nibble(final char c, final boolean wildcards)
    {
        if (wildcards && (c == 'x' || c == 'X'))
        {
            return new int[]{0, 0};
        }
        final int d = Character.digit(c, 16);
        return d < 0 ? null : new int[]{d, 0xF};
    }
}
