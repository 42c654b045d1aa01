package io.fleet.director.conn;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionTableTest
{
    private static final long TICK = 100_000_000L;
    private static final long S = 1_000_000_000L;
    private static final int VIP = 0xC6336401;
    private static final int[] RS1 = {0, 0, 0, 0x0A000001};
    private static final int[] LOCAL = {0, 0, 0, 0x0A00FF01};

    private static FlowKey client(final int address, final int port)
    {
        return new FlowKey().ipv4(6, address, port, VIP, 80);
    }

    @Test
    void shouldFindWhatWasInsertedAndNothingElse()
    {
        final ConnectionTable t = new ConnectionTable(false, 16, TICK, 64, 0);
        final int e = t.insert(client(1, 1000), 10 * S);
        assertThat(e).isNotEqualTo(ConnectionTable.NONE);
        assertThat(t.find(client(1, 1000))).isEqualTo(e);
        assertThat(t.find(client(1, 1001))).isEqualTo(ConnectionTable.NONE);
        assertThat(t.find(new FlowKey().ipv4(17, 1, 1000, VIP, 80))).as("another protocol").isEqualTo(ConnectionTable.NONE);
        assertThat(t.client(e, 3)).isEqualTo(1);
        assertThat(t.clientPort(e)).isEqualTo(1000);
        assertThat(t.vip(e, 3)).isEqualTo(VIP);
        assertThat(t.vipPort(e)).isEqualTo(80);
        assertThat(t.protocol(e)).isEqualTo(6);
        assertThat(t.insert(client(1, 1000), 10 * S)).as("duplicate key").isEqualTo(ConnectionTable.NONE);
    }

    @Test
    void shouldRefuseNewEntriesWhenFullAndKeepTheOldOnes()
    {
        final ConnectionTable t = new ConnectionTable(false, 4, TICK, 64, 0);
        for (int i = 0; i < 4; i++)
        {
            assertThat(t.insert(client(i, 1), 10 * S)).isNotEqualTo(ConnectionTable.NONE);
        }
        assertThat(t.insert(client(99, 1), 10 * S)).isEqualTo(ConnectionTable.NONE);
        assertThat(t.size()).isEqualTo(4);
        for (int i = 0; i < 4; i++)
        {
            assertThat(t.find(client(i, 1))).isNotEqualTo(ConnectionTable.NONE);
        }
        t.remove(t.find(client(2, 1)));
        assertThat(t.insert(client(99, 1), 10 * S)).isNotEqualTo(ConnectionTable.NONE);
    }

    @Test
    void shouldFindNatRepliesByRealServerAndClient()
    {
        final ConnectionTable t = new ConnectionTable(false, 16, TICK, 64, 0);
        final int e = t.insert(client(0x0B000001, 40000), 10 * S);
        t.bindReverse(e, RS1, 8080, null, 0);
        final FlowKey reply = new FlowKey().ipv4(6, RS1[3], 8080, 0x0B000001, 40000);
        assertThat(t.findReply(reply)).isEqualTo(e);
        assertThat(t.findReply(new FlowKey().ipv4(6, RS1[3], 8081, 0x0B000001, 40000))).isEqualTo(ConnectionTable.NONE);
        t.remove(e);
        assertThat(t.findReply(reply)).isEqualTo(ConnectionTable.NONE);
    }

    @Test
    void shouldFindFullNatRepliesByRealServerAndLocalAddress()
    {
        final ConnectionTable t = new ConnectionTable(false, 16, TICK, 64, 0);
        final int e = t.insert(client(0x0B000001, 40000), 10 * S);
        t.bindReverse(e, RS1, 8080, LOCAL, 5000);
        assertThat(t.findReply(new FlowKey().ipv4(6, RS1[3], 8080, LOCAL[3], 5000))).isEqualTo(e);
        assertThat(t.findReply(new FlowKey().ipv4(6, RS1[3], 8080, 0x0B000001, 40000)))
            .as("the client is not the peer under FULLNAT").isEqualTo(ConnectionTable.NONE);
        assertThat(t.localPort(e)).isEqualTo(5000);
        assertThat(t.rsPort(e)).isEqualTo(8080);
    }

    @Test
    void templatesShouldNotCollideWithConnections()
    {
        final ConnectionTable t = new ConnectionTable(false, 16, TICK, 64, 0);
        final FlowKey masked = new FlowKey().ipv4(6, 0x0B000000, 0, VIP, 80);
        final int template = t.insertTemplate(masked, 80, 300 * S);
        final int conn = t.insert(new FlowKey().ipv4(6, 0x0B000000, 0, VIP, 80), 10 * S);
        assertThat(conn).isNotEqualTo(ConnectionTable.NONE).isNotEqualTo(template);
        assertThat(t.findTemplate(masked, 80)).isEqualTo(template);
        assertThat(t.isTemplate(template)).isTrue();
        assertThat(t.find(masked)).isEqualTo(conn);
        assertThat(t.findTemplate(masked, 0)).as("port-less template is another key").isEqualTo(ConnectionTable.NONE);
    }

    @Test
    void shouldExpireOnTheWheelInOrderAndHonourRefreshes()
    {
        final ConnectionTable t = new ConnectionTable(false, 16, TICK, 8, 0);
        final int a = t.insert(client(1, 1), 2 * S);
        final int b = t.insert(client(2, 1), 5 * S);
        final int c = t.insert(client(3, 1), 60 * S); // beyond the 0.8 s wheel span: goes round many times
        final List<Integer> expired = new ArrayList<>();
        final ConnectionTable.ExpiryHandler record = (table, e) -> expired.add(e);
        assertThat(t.expire(S, 100, record)).isZero();
        t.expiry(a, 3 * S); // later: lazily carried on
        assertThat(t.expire(2 * S, 100, record)).isZero();
        assertThat(t.expire(3 * S, 100, record)).isEqualTo(1);
        assertThat(expired).containsExactly(a);
        t.expiry(c, 4 * S); // earlier: re-linked
        assertThat(t.expire(5 * S, 100, record)).isEqualTo(2);
        assertThat(expired).containsExactly(a, c, b);
        assertThat(t.size()).isZero();
    }

    @Test
    void shouldCatchUpAfterAPauseLongerThanTheWheelWithoutWalkingEveryTick()
    {
        final ConnectionTable t = new ConnectionTable(false, 16, TICK, 8, 0);
        t.insert(client(1, 1), 5 * S);
        final int keep = t.insert(client(2, 1), 1_000_000 * S);
        // A jump of ten million ticks: visited slot by slot, not tick by tick.
        assertThat(t.expire(1_000 * S, 100, (table, e) -> true)).isEqualTo(1);
        assertThat(t.find(client(2, 1))).isEqualTo(keep);
        assertThat(t.expire(1_000_001 * S, 100, (table, e) -> true)).isEqualTo(1);
        assertThat(t.size()).isZero();
    }

    @Test
    void shouldBoundTheWorkOfOneExpiryCall()
    {
        final ConnectionTable t = new ConnectionTable(false, 100, TICK, 64, 0);
        for (int i = 0; i < 100; i++)
        {
            t.insert(client(i, 1), S);
        }
        final ConnectionTable.ExpiryHandler remove = (table, e) -> true;
        assertThat(t.expire(2 * S, 30, remove)).isEqualTo(30);
        assertThat(t.size()).isEqualTo(70);
        assertThat(t.expire(2 * S, 30, remove)).isEqualTo(30);
        assertThat(t.expire(2 * S, 100, remove)).isEqualTo(40);
        assertThat(t.size()).isZero();
    }

    @Test
    void aHandlerMayKeepAnEntryByPushingItsExpiry()
    {
        final ConnectionTable t = new ConnectionTable(false, 4, TICK, 16, 0);
        final int template = t.insert(client(1, 1), S);
        t.controlled(template, 1);
        final ConnectionTable.ExpiryHandler keepWhileControlled = (table, e) ->
        {
            if (table.controlled(e) > 0)
            {
                table.expiry(e, table.expiryNs(e) + S);
                return false;
            }
            return true;
        };
        assertThat(t.expire(3 * S, 10, keepWhileControlled)).isZero();
        assertThat(t.find(client(1, 1))).isEqualTo(template);
        t.controlled(template, 0);
        assertThat(t.expire(6 * S, 10, keepWhileControlled)).isEqualTo(1);
        assertThat(t.size()).isZero();
    }

    @Test
    void shouldHoldIpv6Connections()
    {
        final ConnectionTable t = new ConnectionTable(true, 8, TICK, 16, 0);
        final IpAddress client = IpAddress.parse("client", "2001:db8::5");
        final IpAddress vip = IpAddress.parse("vip", "2001:db8::80");
        final FlowKey key = new FlowKey().set(17, client, 5353, vip, 53);
        final int e = t.insert(key, 10 * S);
        assertThat(t.find(key)).isEqualTo(e);
        final int[] rs = {0xfd000000, 0, 0, 7};
        t.bindReverse(e, rs, 53, null, 0);
        final FlowKey reply = new FlowKey().set(17, IpAddress.ofIpv6(0xfd000000, 0, 0, 7), 53, client, 5353);
        assertThat(t.findReply(reply)).isEqualTo(e);
        assertThat(t.client(e, 0)).isEqualTo(0x20010db8);
        assertThat(t.rs(e, 3)).isEqualTo(7);
    }

    @Test
    void shouldKeepFieldsApart()
    {
        final ConnectionTable t = new ConnectionTable(false, 4, TICK, 16, 0);
        final int e = t.insert(client(1, 1), S);
        t.state(e, TcpState.ESTABLISHED);
        t.method(e, 3);
        t.dest(e, 42);
        t.flag(e, ConnectionTable.FLAG_ACTIVE, true);
        assertThat(t.state(e)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(t.method(e)).isEqualTo(3);
        assertThat(t.protocol(e)).isEqualTo(6);
        assertThat(t.dest(e)).isEqualTo(42);
        assertThat(t.hasFlag(e, ConnectionTable.FLAG_ACTIVE)).isTrue();
        assertThat(t.find(client(1, 1))).as("flags other than template are not part of the key").isEqualTo(e);
        t.flag(e, ConnectionTable.FLAG_ACTIVE, false);
        assertThat(t.hasFlag(e, ConnectionTable.FLAG_ACTIVE)).isFalse();
    }

    @Test
    void ipv4EntriesShouldCostAtMost64BytesWithBothIndexes()
    {
        final ConnectionTable t = new ConnectionTable(false, 1_000_000, TICK, 1024, 0);
        assertThat(t.footprintBytes() / 1_000_000.0).isLessThanOrEqualTo(64.0);
    }
}
