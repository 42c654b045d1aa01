package io.fleet.vrrp.announce;

import java.util.List;

import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.frame.Bytes;
import io.fleet.vrrp.frame.Mac;
import io.fleet.vrrp.testing.MemoryLink;
import io.fleet.vrrp.testing.Tcpdump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ARP and ND answers and takeover announcements, as golden frames. Expected bytes were built separately (Python's
 * struct, checksums by RFC 1071) and decoded by tcpdump.
 */
@Timeout(30)
class AnnouncerTest
{
    private static final long MS = 1_000_000L;
    private static final byte[] MAC = Mac.parse("02:00:00:00:00:01");
    private static final VipAddress VIP4 = VipAddress.parse("10.200.0.100");
    private static final VipAddress VIP6 = VipAddress.parse("fd00:200::100");

    /** Gratuitous ARP: broadcast request, sender = target = 10.200.0.100, sender MAC 02:00:00:00:00:01. */
    static final String GARP =
        "ffffffffffff" + "020000000001" + "0806" +
        "0001" + "0800" + "06" + "04" + "0001" + "020000000001" + "0ac80064" + "000000000000" + "0ac80064";

    /** Unsolicited NA for fd00:200::100 to ff02::1, override flag, target link-layer option; checksum 0x549d. */
    static final String UNSOLICITED_NA =
        "33330000000102000000000186dd6000000000203afffd000200000000000000000000000100ff02000000000000000000000000" +
        "00018800549d20000000fd0002000000000000000000000001000201020000000001";

    /** ARP request from 10.200.0.9 (02:00:00:00:00:09) asking who has 10.200.0.100. */
    static final String WHO_HAS =
        "ffffffffffff" + "020000000009" + "0806" +
        "0001" + "0800" + "06" + "04" + "0001" + "020000000009" + "0ac80009" + "000000000000" + "0ac80064";

    static final String IS_AT =
        "020000000009" + "020000000001" + "0806" +
        "0001" + "0800" + "06" + "04" + "0002" + "020000000001" + "0ac80064" + "020000000009" + "0ac80009";

    /** NS from fd00:200::1 (02:00:00:00:00:09) to ff02::1:ff00:100 for fd00:200::100, with source LL option. */
    static final String NS =
        "3333ff00010002000000000986dd6000000000203afffd000200000000000000000000000001ff0200000000000000000001ff000100" +
        "8700779300000000fd0002000000000000000000000001000101020000000009";

    static final String SOLICITED_NA =
        "02000000000902000000000186dd6000000000203afffd000200000000000000000000000100fd00020000000000000000000000" +
        "00018800149f60000000fd0002000000000000000000000001000201020000000001";

    private static Announcer announcer(final MemoryLink link, final AnnounceSettings settings)
    {
        final Announcer a = new Announcer(link, settings);
        link.receiver(a);
        return a;
    }

    @Test
    void shouldSendABurstOfGratuitousArpsAndUnsolicitedNasOnTakeover()
    {
        final MemoryLink link = new MemoryLink(MAC);
        final Announcer a = announcer(link, new AnnounceSettings(3, 0, 0, 0));
        a.hold("web", List.of(VIP4, VIP6), MAC, 0);
        assertThat(a.doWork(0)).isEqualTo(6);
        assertThat(link.sentHex()).containsExactly(GARP, UNSOLICITED_NA, GARP, UNSOLICITED_NA, GARP, UNSOLICITED_NA);
        assertThat(a.doWork(10_000 * MS)).as("no second burst, no refresh").isZero();
        assertThat(a.gratuitousSent()).isEqualTo(6);
    }

    @Test
    void shouldPaceTheBurstAndRepeatItAfterTheDelay()
    {
        final MemoryLink link = new MemoryLink(MAC);
        final Announcer a = announcer(link, new AnnounceSettings(3, 100 * MS, 5_000 * MS, 0));
        a.hold("web", List.of(VIP4), MAC, 1_000 * MS);
        assertThat(a.doWork(1_000 * MS)).isEqualTo(1);
        assertThat(a.nextDeadlineNs()).isEqualTo(1_100 * MS);
        assertThat(a.doWork(1_099 * MS)).isZero();
        assertThat(a.doWork(1_100 * MS)).isEqualTo(1);
        assertThat(a.doWork(1_200 * MS)).isEqualTo(1);
        assertThat(a.nextDeadlineNs()).isEqualTo(6_000 * MS);
        assertThat(a.doWork(5_999 * MS)).isZero();
        assertThat(a.doWork(6_250 * MS)).as("second burst, late caller catches up").isEqualTo(3);
        assertThat(a.doWork(60_000 * MS)).isZero();
        assertThat(a.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldRefreshWhileHoldingWhenConfigured()
    {
        final MemoryLink link = new MemoryLink(MAC);
        final Announcer a = announcer(link, new AnnounceSettings(1, 0, 0, 1_000 * MS));
        a.hold("web", List.of(VIP4), MAC, 0);
        assertThat(a.doWork(0)).isEqualTo(1);
        assertThat(a.doWork(999 * MS)).isZero();
        assertThat(a.doWork(1_000 * MS)).isEqualTo(1);
        a.release("web");
        assertThat(a.doWork(5_000 * MS)).isZero();
    }

    @Test
    void shouldAnswerArpForAHeldVipOnly()
    {
        final MemoryLink link = new MemoryLink(MAC);
        final Announcer a = announcer(link, AnnounceSettings.KEEPALIVED_DEFAULTS);
        link.deliver(Bytes.fromHex(WHO_HAS));
        assertThat(link.sent()).as("not held yet").isEmpty();
        a.hold("web", List.of(VIP4), MAC, 0);
        link.deliver(Bytes.fromHex(WHO_HAS));
        assertThat(link.sentHex()).containsExactly(IS_AT);
        a.release("web");
        link.clear();
        link.deliver(Bytes.fromHex(WHO_HAS));
        assertThat(link.sent()).isEmpty();
        assertThat(a.arpRepliesSent()).isEqualTo(1);
        assertThat(a.notHeldIgnored()).isEqualTo(2);
    }

    @Test
    void shouldAnswerNeighbourSolicitationsForAHeldIpv6Vip()
    {
        final MemoryLink link = new MemoryLink(MAC);
        final Announcer a = announcer(link, AnnounceSettings.KEEPALIVED_DEFAULTS);
        a.hold("web6", List.of(VIP6), MAC, 0);
        link.deliver(Bytes.fromHex(NS));
        assertThat(link.sentHex()).containsExactly(SOLICITED_NA);
    }

    @Test
    void shouldDropASolicitationWithABadChecksumOrHopLimit()
    {
        final MemoryLink link = new MemoryLink(MAC);
        final Announcer a = announcer(link, AnnounceSettings.KEEPALIVED_DEFAULTS);
        a.hold("web6", List.of(VIP6), MAC, 0);
        final byte[] badSum = Bytes.fromHex(NS);
        badSum[14 + 40 + 3] ^= 1;
        link.deliver(badSum);
        final byte[] routed = Bytes.fromHex(NS);
        routed[14 + 7] = 64;
        link.deliver(routed);
        assertThat(link.sent()).isEmpty();
        assertThat(a.invalidDropped()).isEqualTo(2);
    }

    @Test
    void shouldCountAnotherMacClaimingAHeldVip()
    {
        final MemoryLink link = new MemoryLink(MAC);
        final Announcer a = announcer(link, AnnounceSettings.KEEPALIVED_DEFAULTS);
        a.hold("web", List.of(VIP4), MAC, 0);
        link.deliver(Bytes.fromHex(GARP.replace("020000000001", "020000000077")));
        link.deliver(Bytes.fromHex(GARP));
        assertThat(a.conflictsSeen()).isEqualTo(1);
        assertThat(link.sent()).isEmpty();
    }

    @Test
    void tcpdumpShouldDecodeTheFramesAsValidArpAndNeighbourAdvertisements() throws Exception
    {
        final String out = Tcpdump.decode(List.of(Bytes.fromHex(GARP), Bytes.fromHex(IS_AT),
            Bytes.fromHex(UNSOLICITED_NA), Bytes.fromHex(SOLICITED_NA)));
        assertThat(out).contains("Request who-has 10.200.0.100 tell 10.200.0.100");
        assertThat(out).contains("Reply 10.200.0.100 is-at 02:00:00:00:00:01");
        assertThat(out).contains("neighbor advertisement, length 32, tgt is fd00:200::100, Flags [override]");
        assertThat(out).contains("Flags [solicited, override]");
        assertThat(out).contains("destination link-address option (2), length 8 (1): 02:00:00:00:00:01");
        assertThat(out).doesNotContain("bad cksum").doesNotContain("wrong");
    }
}
