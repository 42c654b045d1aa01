package io.fleet.director.conn;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.IpAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionRecordTest
{
    @Test
    void anIpv4ConnectionShouldTake32BytesInAFixedLayout()
    {
        final ConnectionTable t = new ConnectionTable(false, 4, 1_000_000, 16, 0);
        final int e = t.insert(new FlowKey().ipv4(6, 0x0B000001, 40000, 0xC6336401, 80), 1_000_000_000L);
        t.state(e, TcpState.ESTABLISHED);
        t.method(e, 3);
        t.flag(e, ConnectionTable.FLAG_ACTIVE, true);
        t.bindReverse(e, new int[] {0, 0, 0, 0x0A000005}, 8080, new int[] {0, 0, 0, 0x0A00FF01}, 5001);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
        assertThat(ConnectionRecord.encode(t, e, 1_800_000_000L, b, 0)).isEqualTo(32);
        final byte[] bytes = new byte[32];
        b.getBytes(0, bytes);
        // Expected bytes written out by hand from the layout in ConnectionRecord's Javadoc.
        assertThat(hex(bytes)).isEqualTo(
            "10" + "06" + "1d" + "00"
                + "0b000001" + "9c40" + "0050"
                + "c6336401"
                + "0a000005" + "1f90" + "1389"
                + "0a00ff01"
                + "6b49d200");
        final ConnectionRecord.View v = new ConnectionRecord.View();
        assertThat(v.wrap(b, 0, 32)).isTrue();
        assertThat(v.ipv6()).isFalse();
        assertThat(v.protocol()).isEqualTo(6);
        assertThat(v.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(v.method()).isEqualTo(3);
        assertThat(v.active()).isTrue();
        assertThat(v.client(3)).isEqualTo(0x0B000001);
        assertThat(v.clientPort()).isEqualTo(40000);
        assertThat(v.vip(3)).isEqualTo(0xC6336401);
        assertThat(v.vipPort()).isEqualTo(80);
        assertThat(v.rs(3)).isEqualTo(0x0A000005);
        assertThat(v.rsPort()).isEqualTo(8080);
        assertThat(v.local(3)).isEqualTo(0x0A00FF01);
        assertThat(v.localPort()).isEqualTo(5001);
        assertThat(v.expiryEpochS()).isEqualTo(1_800_000_000L);
    }

    @Test
    void anIpv6ConnectionShouldRoundTripIn80Bytes()
    {
        final ConnectionTable t = new ConnectionTable(true, 4, 1_000_000, 16, 0);
        final FlowKey key = new FlowKey().set(17, IpAddress.parse("c", "2001:db8::5"), 5353, IpAddress.parse("v", "2001:db8::80"), 53);
        final int e = t.insert(key, 1_000_000_000L);
        t.bindReverse(e, new int[] {0xfd000000, 0, 0, 9}, 53, null, 0);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[128]);
        assertThat(ConnectionRecord.encode(t, e, 42, b, 10)).isEqualTo(80);
        final ConnectionRecord.View v = new ConnectionRecord.View();
        assertThat(v.wrap(b, 10, 80)).isTrue();
        assertThat(v.ipv6()).isTrue();
        assertThat(v.client(0)).isEqualTo(0x20010db8);
        assertThat(v.client(3)).isEqualTo(5);
        assertThat(v.vip(3)).isEqualTo(0x80);
        assertThat(v.rs(0)).isEqualTo(0xfd000000);
        assertThat(v.rs(3)).isEqualTo(9);
        assertThat(v.clientPort()).isEqualTo(5353);
        assertThat(v.expiryEpochS()).isEqualTo(42);
    }

    @Test
    void shouldRejectWhatIsNotARecord()
    {
        final ConnectionRecord.View v = new ConnectionRecord.View();
        assertThat(v.wrap(new UnsafeBuffer(new byte[31]), 0, 31)).isFalse();
        final UnsafeBuffer wrongVersion = new UnsafeBuffer(new byte[32]);
        wrongVersion.putByte(0, (byte)0x20);
        assertThat(v.wrap(wrongVersion, 0, 32)).isFalse();
        final UnsafeBuffer shortV6 = new UnsafeBuffer(new byte[40]);
        shortV6.putByte(0, (byte)0x18);
        assertThat(v.wrap(shortV6, 0, 40)).isFalse();
    }

    private static String hex(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte x : bytes)
        {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
