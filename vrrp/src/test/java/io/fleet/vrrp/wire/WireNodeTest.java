package io.fleet.vrrp.wire;

import java.util.ArrayList;
import java.util.List;

import io.fleet.vrrp.announce.AnnounceSettings;
import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.frame.Arp;
import io.fleet.vrrp.frame.Bytes;
import io.fleet.vrrp.frame.Ethernet;
import io.fleet.vrrp.frame.Mac;
import io.fleet.vrrp.link.Frames;
import io.fleet.vrrp.testing.MemoryHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** Two wire-mode nodes on one in-memory segment, driven by an injected clock. */
@Timeout(10)
class WireNodeTest
{
    private static final long MS = 1_000_000L;
    private static final VipAddress VIP = VipAddress.parse("10.200.0.100");

    private final MemoryHub hub = new MemoryHub();
    private final List<String> transitions = new ArrayList<>();

    private WireNode node(final String name, final int last, final int priority, final String pass)
    {
        final VrrpInstanceConfig config = new VrrpInstanceConfig("VI_1", 2, 51, priority, 100, true, pass,
            List.of(VIP), VipAddress.parse("10.200.0." + last), true);
        return new WireNode(hub.port(new byte[]{2, 0, 0, 0, 0, (byte)last}), new AnnounceSettings(2, 0, 0, 0),
            List.of(config), (instance, from, to) -> transitions.add(name + " " + from + "->" + to));
    }

    private static void run(final long fromNs, final long toNs, final WireNode... nodes)
    {
        for (long t = fromNs; t <= toNs; t += 10 * MS)
        {
            for (final WireNode n : nodes)
            {
                n.doWork(t);
            }
        }
    }

    /** Which MAC answers "who has 10.200.0.100" from a third host, or null. */
    private String whoAnswers(final MemoryHub.Port asker)
    {
        final int before = hub.log().size();
        final byte[] request = Bytes.fromHex("ffffffffffff0200000000090806000108000604000102000000000" +
            "90ac80009000000000000" + "0ac80064");
        asker.send(request, request.length);
        for (final byte[] f : hub.log().subList(before, hub.log().size()))
        {
            if (Frames.classify(f, 0, f.length) == Frames.ARP && Arp.operation(f, Ethernet.HEADER_LENGTH) == Arp.REPLY)
            {
                return Mac.toString(f, Ethernet.HEADER_LENGTH + Arp.SENDER_MAC_OFFSET);
            }
        }
        return null;
    }

    @Test
    void shouldElectTheHigherPriorityAndFailOverOnShutdown()
    {
        final WireNode fleet = node("fleet", 1, 150, "1111");
        final WireNode other = node("other", 2, 100, "1111");
        final MemoryHub.Port client = hub.port(Mac.parse("02:00:00:00:00:09"));
        fleet.startup(0);
        other.startup(0);
        run(0, 5_000 * MS, fleet, other);
        assertThat(fleet.instance("VI_1").router().state()).isEqualTo(VrrpState.MASTER);
        assertThat(other.instance("VI_1").router().state()).isEqualTo(VrrpState.BACKUP);
        assertThat(whoAnswers(client)).isEqualTo("00:00:5e:00:01:33");

        fleet.onClose(5_000 * MS);
        run(5_000 * MS, 5_000 * MS + 610 * MS, other);
        assertThat(other.instance("VI_1").router().state()).as("within Skew_Time of priority 0").isEqualTo(VrrpState.MASTER);
        assertThat(transitions).containsSubsequence("fleet BACKUP->MASTER", "fleet MASTER->INITIALIZE",
            "other BACKUP->MASTER");
        assertThat(other.announcer().gratuitousSent()).isEqualTo(2);
    }

    @Test
    void shouldPreemptWhenTheHigherPriorityNodeComesBack()
    {
        final WireNode other = node("other", 2, 100, "1111");
        other.startup(0);
        run(0, 5_000 * MS, other);
        assertThat(other.instance("VI_1").router().state()).isEqualTo(VrrpState.MASTER);
        final WireNode fleet = node("fleet", 1, 150, "1111");
        fleet.startup(5_000 * MS);
        run(5_000 * MS, 10_000 * MS, fleet, other);
        assertThat(fleet.instance("VI_1").router().state()).isEqualTo(VrrpState.MASTER);
        assertThat(other.instance("VI_1").router().state()).isEqualTo(VrrpState.BACKUP);
        assertThat(other.announcer().holds("VI_1")).isFalse();
    }

    @Test
    void shouldIgnoreAdvertsWithTheWrongPassword()
    {
        final WireNode fleet = node("fleet", 1, 150, "1111");
        final WireNode other = node("other", 2, 100, "2222");
        fleet.startup(0);
        other.startup(0);
        run(0, 10_000 * MS, fleet, other);
        assertThat(other.instance("VI_1").router().state()).as("never hears a valid master").isEqualTo(VrrpState.MASTER);
        assertThat(other.instance("VI_1").dropped(VrrpInstance.Drop.AUTH_MISMATCH)).isGreaterThan(5);
        assertThat(other.instance("VI_1").advertsAccepted()).isZero();
    }
}
