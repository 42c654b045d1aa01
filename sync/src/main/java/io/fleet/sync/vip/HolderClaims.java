package io.fleet.sync.vip;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import io.fleet.sync.catalog.FieldMap;

/**
 * The holder register's encoding in a {@link FieldMap}: one entry per VIP group, field {@code claim} (value
 * {@code holder '\n' from}) and field {@code released} (value: the releasing director), each versioned by the
 * claim's <em>term</em> in place of a clock and by the writer's node id. The map's last-writer-wins merge is then the
 * rule for crossing claims: the higher term wins; of two claims with one term, the one from the higher node id. The
 * merge is commutative, associative and idempotent, so every replica ends with the same claim whatever the order.
 */
public final class HolderClaims
{
    static final String CLAIM = "claim";
    static final String RELEASED = "released";

    private HolderClaims()
    {
    }

    /** {@code map} with {@code holder}'s claim of {@code group} in {@code term}, written by node {@code writer}. */
    public static FieldMap claim(
        final FieldMap map, final String group, final long term, final String holder, final String from, final int writer)
    {
        final String value = holder + '\n' + (from == null ? "" : from);
        return map.set(group, CLAIM, value.getBytes(StandardCharsets.UTF_8), term, writer);
    }

    /** {@code map} with {@code releaser}'s acknowledgement that it released {@code group} for the claim of {@code term}. */
    public static FieldMap released(
        final FieldMap map, final String group, final long term, final String releaser, final int writer)
    {
        return map.set(group, RELEASED, releaser.getBytes(StandardCharsets.UTF_8), term, writer);
    }

    /** Every group's current claim. A release counts only when written by the claim's {@code from}. */
    public static Map<String, Claim> read(final FieldMap map)
    {
        final TreeMap<String, Claim> claims = new TreeMap<>();
        for (final Map.Entry<String, Map<String, FieldMap.Versioned>> e : map.entries().entrySet())
        {
            final FieldMap.Versioned claim = e.getValue().get(CLAIM);
            if (claim == null || claim.value() == null || claim.hlc() < 1)
            {
                continue;
            }
            final String text = new String(claim.value(), StandardCharsets.UTF_8);
            final int nl = text.indexOf('\n');
            final String holder = nl < 0 ? text : text.substring(0, nl);
            final String from = nl < 0 || nl == text.length() - 1 ? null : text.substring(nl + 1);
            if (holder.isEmpty())
            {
                continue;
            }
            long releasedTerm = 0;
            final FieldMap.Versioned released = e.getValue().get(RELEASED);
            if (released != null && released.value() != null && from != null &&
                from.equals(new String(released.value(), StandardCharsets.UTF_8)))
            {
                releasedTerm = released.hlc();
            }
            claims.put(e.getKey(), new Claim(claim.hlc(), holder, from, releasedTerm));
        }
        return Collections.unmodifiableMap(claims);
    }
}
