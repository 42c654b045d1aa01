package io.fleet.director.conn;

import io.fleet.director.service.FlowKey;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The table against a plain map: insert, find, reply lookup, remove and expiry agree under any sequence. */
class ConnectionTablePropertiesTest
{
    private static final long TICK = 10;

    /** op: 0 insert, 1 remove, 2 advance time; key from a small space so that keys repeat and probe runs collide. */
    record Op(int kind, int client, int port, int ttl)
    {
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        final Arbitrary<Op> op = Combinators.combine(
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 300)).as(Op::new);
        return op.list().ofMaxSize(400);
    }

    @Property(tries = 300)
    void shouldBehaveLikeAMap(@ForAll("ops") final List<Op> ops, @ForAll final boolean ipv6)
    {
        final int capacity = 20;
        final ConnectionTable t = new ConnectionTable(ipv6, capacity, TICK, 16, 0);
        final Map<Long, Long> model = new HashMap<>(); // key -> expiry tick
        long now = 0;
        // The wheel's next tick to process: an entry due on a tick already processed goes on the next one, so it
        // may live up to one tick past its expiry.
        long nextTick = 0;
        for (final Op op : ops)
        {
            final long key = ((long)op.client << 16) | op.port;
            final FlowKey flow = key(ipv6, op.client, op.port);
            switch (op.kind)
            {
                case 0:
                {
                    final long expiry = now + op.ttl;
                    final int e = t.insert(flow, expiry);
                    if (model.containsKey(key) || model.size() == capacity)
                    {
                        assertThat(e).isEqualTo(ConnectionTable.NONE);
                    }
                    else
                    {
                        assertThat(e).isNotEqualTo(ConnectionTable.NONE);
                        t.bindReverse(e, rs(ipv6, op.client), 8000 + op.port, null, 0);
                        model.put(key, Math.max(Math.floorDiv(expiry, TICK), nextTick));
                    }
                    break;
                }
                case 1:
                {
                    final int e = t.find(flow);
                    if (model.remove(key) != null)
                    {
                        assertThat(e).isNotEqualTo(ConnectionTable.NONE);
                        t.remove(e);
                    }
                    else
                    {
                        assertThat(e).isEqualTo(ConnectionTable.NONE);
                    }
                    break;
                }
                default:
                {
                    now += op.ttl;
                    final long nowTick = Math.floorDiv(now, TICK);
                    t.expire(now, Integer.MAX_VALUE, (table, e) -> true);
                    model.values().removeIf(expiryTick -> expiryTick <= nowTick);
                    nextTick = Math.max(nextTick, nowTick + 1);
                    break;
                }
            }
            assertThat(t.size()).isEqualTo(model.size());
            for (int c = 1; c <= 12; c++)
            {
                for (int p = 1; p <= 4; p++)
                {
                    final boolean present = model.containsKey(((long)c << 16) | p);
                    final int e = t.find(key(ipv6, c, p));
                    assertThat(e != ConnectionTable.NONE).as("find %d:%d", c, p).isEqualTo(present);
                    final FlowKey reply = ipv6
                        ? new FlowKey().set(6, io.fleet.director.service.IpAddress.ofIpv6(0xfd000000, 0, 0, c), 8000 + p,
                            io.fleet.director.service.IpAddress.ofIpv6(0x20010db8, 0, 0, c), p)
                        : new FlowKey().ipv4(6, 0x0A000000 + c, 8000 + p, c, p);
                    assertThat(t.findReply(reply)).as("reply %d:%d", c, p).isEqualTo(e);
                }
            }
        }
    }

    private static FlowKey key(final boolean ipv6, final int client, final int port)
    {
        if (ipv6)
        {
            return new FlowKey().set(6, io.fleet.director.service.IpAddress.ofIpv6(0x20010db8, 0, 0, client), port,
                io.fleet.director.service.IpAddress.ofIpv6(0x20010db8, 0, 0, 0x80), 80);
        }
        return new FlowKey().ipv4(6, client, port, 0xC6336401, 80);
    }

    private static int[] rs(final boolean ipv6, final int client)
    {
        return ipv6 ? new int[] {0xfd000000, 0, 0, client} : new int[] {0, 0, 0, 0x0A000000 + client};
    }
}
