package io.fleet.vrrp.wire;

import java.util.List;

import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.frame.Bytes;
import io.fleet.vrrp.frame.Mac;
import io.fleet.vrrp.testing.Tcpdump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden adverts for v2 and v3 (IPv4 and IPv6). The expected bytes were built independently of this codec (Python's
 * struct, RFC 1071 checksums, the v3 pseudo-header of RFC 5798 5.2.8) and tcpdump decodes them.
 */
@Timeout(30)
class VrrpCodecTest
{
    private static final VipAddress VIP4 = VipAddress.parse("10.200.0.100");
    private static final VipAddress SRC4 = VipAddress.parse("10.200.0.1");
    private static final VipAddress VIP6 = VipAddress.parse("fd00:200::100");
    private static final VipAddress SRC6 = VipAddress.parse("fe80::1");

    /** v2, VRID 51, priority 150, 1 s, auth PASS "1111", from 00:00:5e:00:01:33, 10.200.0.1 -> 224.0.0.18. */
    static final String V2 =
        "01005e000012" + "00005e000133" + "0800" +
        "45c0002800000000ff70cfca0ac80001e0000012" +
        "21" + "33" + "96" + "01" + "01" + "01" + "da3b" + "0ac80064" + "3131313100000000";

    /** v3 over IPv4, VRID 51, priority 150, 100 cs; checksum 0x41e3 includes the pseudo-header. */
    static final String V3_IPV4 =
        "01005e000012" + "00005e000133" + "0800" +
        "45c0002000000000ff70cfd20ac80001e0000012" +
        "31" + "33" + "96" + "01" + "0064" + "41e3" + "0ac80064";

    /** v3 over IPv6, fe80::1 -> ff02::12, from 00:00:5e:00:02:33, traffic class 0xc0, checksum 0x3a47. */
    static final String V3_IPV6 =
        "333300000012" + "00005e000233" + "86dd" +
        "6c000000" + "0018" + "70" + "ff" + "fe800000000000000000000000000001" + "ff020000000000000000000000000012" +
        "31" + "33" + "96" + "01" + "0064" + "3a47" + "fd000200000000000000000000000100";

    private static final Advert ADVERT_V2 =
        new Advert(2, 51, 150, 100, 1, "1111\0\0\0\0".getBytes(), List.of(VIP4), SRC4);
    private static final Advert ADVERT_V3 = new Advert(3, 51, 150, 100, 0, new byte[0], List.of(VIP4), SRC4);
    private static final Advert ADVERT_V3_IPV6 = new Advert(3, 51, 150, 100, 0, new byte[0], List.of(VIP6), SRC6);

    private static String encode(final Advert advert)
    {
        final byte[] out = new byte[256];
        final int length = VrrpCodec.writeFrame(advert, Mac.virtualRouter(advert.vrid(), advert.isIpv6()), out);
        return Bytes.hex(out, 0, length);
    }

    @Test
    void shouldEncodeGoldenAdverts()
    {
        assertThat(encode(ADVERT_V2)).isEqualTo(V2);
        assertThat(encode(ADVERT_V3)).isEqualTo(V3_IPV4);
        assertThat(encode(ADVERT_V3_IPV6)).isEqualTo(V3_IPV6);
    }

    @Test
    void shouldDecodeGoldenAdverts()
    {
        for (final String[] golden : new String[][]{{V2, "2"}, {V3_IPV4, "3"}, {V3_IPV6, "3"}})
        {
            final byte[] frame = Bytes.fromHex(golden[0]);
            final VrrpCodec.Decoded d = VrrpCodec.read(frame, 0, frame.length, Integer.parseInt(golden[1]));
            assertThat(d.verdict()).isEqualTo(VrrpCodec.Verdict.OK);
            assertThat(d.advert().vrid()).isEqualTo(51);
            assertThat(d.advert().priority()).isEqualTo(150);
            assertThat(d.advert().intervalCs()).isEqualTo(100);
        }
        final byte[] v2 = Bytes.fromHex(V2);
        final Advert a = VrrpCodec.read(v2, 0, v2.length, 2).advert();
        assertThat(a.authType()).isEqualTo(VrrpCodec.AUTH_SIMPLE_TEXT);
        assertThat(new String(a.authData()).trim()).isEqualTo("1111");
        assertThat(a.addresses()).containsExactly(VIP4);
        assertThat(a.source()).isEqualTo(SRC4);
        final byte[] v6 = Bytes.fromHex(V3_IPV6);
        assertThat(VrrpCodec.read(v6, 0, v6.length, 3).advert().addresses()).containsExactly(VIP6);
    }

    @Test
    void shouldEncodeCentisecondIntervalsAndSeveralAddresses()
    {
        final Advert fast = new Advert(3, 7, 200, 35, 0, new byte[0],
            List.of(VIP4, VipAddress.parse("10.200.0.101"), VipAddress.parse("10.200.0.102")), SRC4);
        final byte[] out = new byte[256];
        final int length = VrrpCodec.writeFrame(fast, Mac.virtualRouter(7, false), out);
        assertThat(length).isEqualTo(14 + 20 + 8 + 12);
        final VrrpCodec.Decoded d = VrrpCodec.read(out, 0, length, 3);
        assertThat(d.verdict()).isEqualTo(VrrpCodec.Verdict.OK);
        assertThat(d.advert().intervalCs()).isEqualTo(35);
        assertThat(d.advert().addresses()).hasSize(3);
    }

    @Test
    void shouldRejectBadChecksumTtlVersionAndTruncation()
    {
        final byte[] sum = Bytes.fromHex(V3_IPV4);
        sum[14 + 20 + 2] ^= 1;
        // Flip one bit of the priority and fix nothing: the VRRP checksum must catch it.
        assertThat(VrrpCodec.read(sum, 0, sum.length, 3).verdict()).isEqualTo(VrrpCodec.Verdict.BAD_CHECKSUM);

        final byte[] v6sum = Bytes.fromHex(V3_IPV6);
        v6sum[14 + 8 + 15] ^= 1;
        // A different source address changes only the pseudo-header, which v3 covers.
        assertThat(VrrpCodec.read(v6sum, 0, v6sum.length, 3).verdict()).isEqualTo(VrrpCodec.Verdict.BAD_CHECKSUM);

        final byte[] ttl = Bytes.fromHex(V3_IPV6);
        ttl[14 + 7] = 64;
        assertThat(VrrpCodec.read(ttl, 0, ttl.length, 3).verdict()).isEqualTo(VrrpCodec.Verdict.BAD_TTL);

        final byte[] v2 = Bytes.fromHex(V2);
        assertThat(VrrpCodec.read(v2, 0, v2.length, 3).verdict()).isEqualTo(VrrpCodec.Verdict.BAD_VERSION_OR_TYPE);
        assertThat(VrrpCodec.read(v2, 0, v2.length - 4, 2).verdict()).isEqualTo(VrrpCodec.Verdict.TRUNCATED);
    }

    @Test
    void tcpdumpShouldDecodeTheAdvertsAsValidVrrp() throws Exception
    {
        // The last frame is V3_IPV6 with its checksum off by one: tcpdump must flag it, which shows that it checks
        // the v3 pseudo-header checksum and so that the three good frames really pass that check.
        final byte[] corrupted = Bytes.fromHex(V3_IPV6.replace("3a47", "3a48"));
        final String out = Tcpdump.decode(
            List.of(Bytes.fromHex(V2), Bytes.fromHex(V3_IPV4), Bytes.fromHex(V3_IPV6), corrupted));
        System.out.println(out);
        assertThat(out).contains("VRRPv2, Advertisement, vrid 51, prio 150, authtype simple, intvl 1s, length 20, addrs: 10.200.0.100 auth \"1111\"");
        assertThat(out).contains("VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12, addrs: 10.200.0.100");
        assertThat(out).contains("VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 24, addrs: fd00:200::100");
        assertThat(out).contains("ttl 255").contains("hlim 255");
        assertThat(out.split("bad vrrp cksum", -1)).as("only the corrupted frame is flagged").hasSize(2);
        assertThat(out).contains("(bad vrrp cksum 3a48)");
    }
}
