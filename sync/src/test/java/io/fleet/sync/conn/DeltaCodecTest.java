package io.fleet.sync.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DeltaCodecTest
{
    private static final long NOW_MS = 1_700_000_000_000L;

    private static ConnectionReplica.Entry ipv4(final int i, final long hlc, final long expiryMs)
    {
        final byte[] key = {6, 10, (byte)(i >> 16), (byte)(i >> 8), (byte)i, 0x30, 0x39, (byte)192, (byte)168, 0, 1, 0, 80};
        final byte[] record = {10, 1, 0, (byte)i, 0, 80, 3};
        return new ConnectionReplica.Entry(ByteKey.wrap(key), record, hlc, 42, expiryMs);
    }

    @Test
    void shouldSpendAtMost23BytesPerIpv4ConnectionInABatchOfLocalWrites()
    {
        // 100k/s: about 100 writes per millisecond, clocks +1 within a millisecond, a 900 s lifetime each.
        final ConnectionReplica.Entry[] batch = new ConnectionReplica.Entry[1000];
        final HybridLogicalClock clock = new HybridLogicalClock();
        for (int i = 0; i < batch.length; i++)
        {
            final long nowMs = NOW_MS + i / 100;
            batch[i] = ipv4(i, clock.tick(nowMs), nowMs + 900_000);
        }

        final byte[] bytes = DeltaCodec.encode(batch, 0, batch.length);

        assertThat(bytes.length / (double)batch.length).isLessThanOrEqualTo(23.0);
        assertThat(DeltaCodec.decode(bytes)).containsExactly(batch);
    }

    @Test
    void shouldRoundTripTombstonesMixedLengthsAndSeveralWritersInAnyOrder()
    {
        final ConnectionReplica.Entry[] entries = {
            new ConnectionReplica.Entry(ByteKey.copyOf(new byte[]{1, 2, 3}), new byte[]{9, 9}, HybridLogicalClock.of(NOW_MS, 5), 11, NOW_MS + 900_000),
            new ConnectionReplica.Entry(ByteKey.copyOf(new byte[]{4}), null, HybridLogicalClock.of(NOW_MS - 3, 2), 12, NOW_MS - 50),
            new ConnectionReplica.Entry(ByteKey.copyOf(new byte[]{5, 6}), new byte[0], HybridLogicalClock.of(NOW_MS + 3, 0), -7, NOW_MS + 60_000),
        };

        final ConnectionReplica.Entry[] back = DeltaCodec.decode(DeltaCodec.encode(entries, 0, entries.length));

        assertThat(back).containsExactly(entries);
        assertThat(back[1].tombstone()).isTrue();
        assertThat(DeltaCodec.decode(DeltaCodec.encode(entries, 1, 1))).isEmpty();
        assertThat(DeltaCodec.decode(DeltaCodec.encode(entries, 1, 2))).containsExactly(entries[1]);
    }

    @Test
    void shouldRefuseTruncatedForgedOrTrailingBytesNamingTheProblem()
    {
        final ConnectionReplica.Entry[] one = {ipv4(1, HybridLogicalClock.of(NOW_MS, 0), NOW_MS + 1000)};
        final byte[] good = DeltaCodec.encode(one, 0, 1);

        assertThatThrownBy(() -> DeltaCodec.decode(Arrays.copyOf(good, good.length - 3)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupt connection delta");
        assertThatThrownBy(() -> DeltaCodec.decode(Arrays.copyOf(good, good.length + 1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
        // A huge count with no entries behind it fails on the data, without allocating for the count.
        assertThatThrownBy(() -> DeltaCodec.decode(new byte[]{(byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, 0x07, 1, 0, 0, 0, 0, 13, 8}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupt connection delta");
        assertThatThrownBy(() -> DeltaCodec.decode(new byte[]{1, 0}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node count 0");
    }
}
