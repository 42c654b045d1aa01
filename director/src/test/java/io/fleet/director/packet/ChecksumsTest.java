package io.fleet.director.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Checksums against worked examples and the corner cases of the UDP rule; properties in {@link ChecksumsPropertiesTest}. */
@Timeout(60)
class ChecksumsTest
{
    @Test
    void shouldMatchTheWorkedExampleOfRfc1071()
    {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, so the checksum is 220d.
        final byte[] data = HexFormat.of().parseHex("0001f203f4f5f6f7");
        assertThat(Checksums.fold(Checksums.sum(new UnsafeBuffer(data), 0, 8))).isEqualTo(0xDDF2);
        assertThat(Checksums.checksum(new UnsafeBuffer(data), 0, 8)).isEqualTo(0x220D);
    }

    @Test
    void shouldValidateTheHeaderOfACapturedIpv4Packet()
    {
        // The header of a real packet (Wikipedia's IPv4 checksum example): b861 is its checksum.
        final byte[] header = HexFormat.of().parseHex("45000073000040004011b861c0a80001c0a800c7");
        final UnsafeBuffer buffer = new UnsafeBuffer(header);
        assertThat(new Ipv4Header().wrap(buffer, 0).headerChecksumValid()).isTrue();
        new Ipv4Header().wrap(buffer, 0).updateHeaderChecksum();
        assertThat(new Ipv4Header().wrap(buffer, 0).headerChecksum()).isEqualTo(0xB861);
    }

    @Test
    void shouldKeepAnAbsentUdpChecksumAbsentThroughNat()
    {
        assertThat(Checksums.udpUpdate16(0, 80, 8080)).isZero();
        assertThat(Checksums.udpUpdate32(0, 0xC633640A, 0x0A000001)).isZero();
        assertThat(Checksums.udpUpdate128(0, 1, 2, 3, 4, 5, 6, 7, 8)).isZero();
    }

    @Test
    void shouldSendAComputedZeroUdpChecksumAsAllOnes()
    {
        // Changing a 0 field to the checksum's own value makes the sum all ones: the plain update gives 0.
        assertThat(Checksums.update16(0x1234, 0, 0x1234)).isZero();
        assertThat(Checksums.udpUpdate16(0x1234, 0, 0x1234)).isEqualTo(0xFFFF);
        assertThat(Checksums.update32(0x1234, 0, 0x1234)).isZero();
        assertThat(Checksums.udpUpdate32(0x1234, 0, 0x1234)).isEqualTo(0xFFFF);
        assertThat(Checksums.udpUpdate128(0x1234, 0, 0, 0, 0, 0, 0, 0, 0x1234)).isEqualTo(0xFFFF);
        // Full computation: a datagram whose words sum to all ones.
        final byte[] ones = HexFormat.of().parseHex("fffe0001");
        assertThat(Checksums.checksum(new UnsafeBuffer(ones), 0, 4)).isZero();
        assertThat(Checksums.finishUdp(Checksums.sum(new UnsafeBuffer(ones), 0, 4))).isEqualTo(0xFFFF);
    }
}
