package io.fleet.director.packet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checksums against a plain one's-complement sum written byte by byte ({@link ReferenceChecksum}), and RFC 1624
 * incremental updates against full recomputation after many random changes. jqwik ignores JUnit's timeouts; each
 * property is bounded by its tries instead, and jqwik prints the seed of every run.
 */
class ChecksumsPropertiesTest
{
    @Provide
    Arbitrary<byte[]> data()
    {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(1600);
    }

    @Property(tries = 500)
    void shouldEqualThePlainSumForAnyRangeOddOrEven(
        @ForAll("data") final byte[] data, @ForAll @IntRange(min = 0, max = 7) final int skip)
    {
        final int offset = Math.min(skip, data.length);
        final int length = data.length - offset;
        assertThat(Checksums.checksum(new UnsafeBuffer(data), offset, length))
            .isEqualTo(ReferenceChecksum.referenceChecksum(data, offset, length));
    }

    @Property(tries = 300)
    void shouldSumTheIpv4PseudoHeaderAsItsBytes(
        @ForAll final int source, @ForAll final int destination, @ForAll @IntRange(min = 0, max = 255) final int protocol,
        @ForAll @IntRange(min = 0, max = 65535) final int length)
    {
        final byte[] pseudo = new byte[12];
        final UnsafeBuffer b = new UnsafeBuffer(pseudo);
        b.putInt(0, source, BIG_ENDIAN);
        b.putInt(4, destination, BIG_ENDIAN);
        pseudo[9] = (byte)protocol;
        b.putShort(10, (short)length, BIG_ENDIAN);
        assertThat(Checksums.finish(Checksums.ipv4PseudoHeaderSum(source, destination, protocol, length)))
            .isEqualTo(ReferenceChecksum.referenceChecksum(pseudo, 0, 12));
    }

    @Property(tries = 300)
    void shouldSumTheIpv6PseudoHeaderAsItsBytes(
        @ForAll @Size(8) final List<Integer> words, @ForAll @IntRange(min = 0, max = 255) final int nextHeader,
        @ForAll @IntRange(min = 0, max = 1 << 20) final int length)
    {
        // RFC 8200 8.1: source, destination, 32-bit upper-layer length, 3 zero bytes, next header.
        final byte[] pseudo = new byte[40];
        final UnsafeBuffer b = new UnsafeBuffer(pseudo);
        for (int i = 0; i < 8; i++)
        {
            b.putInt(4 * i, words.get(i), BIG_ENDIAN);
        }
        b.putInt(32, length, BIG_ENDIAN);
        pseudo[39] = (byte)nextHeader;
        final int expected = ReferenceChecksum.referenceChecksum(pseudo, 0, 40);
        assertThat(Checksums.finish(Checksums.ipv6PseudoHeaderSum(words.get(0), words.get(1), words.get(2),
            words.get(3), words.get(4), words.get(5), words.get(6), words.get(7), nextHeader, length)))
            .isEqualTo(expected);

        // The same read from an IPv6 header in a buffer.
        final byte[] header = new byte[40];
        System.arraycopy(pseudo, 0, header, 8, 32);
        assertThat(Checksums.finish(Checksums.ipv6PseudoHeaderSum(new UnsafeBuffer(header), 0, nextHeader, length)))
            .isEqualTo(expected);
    }

    /** A change: the field at {@code index} (in fields of the chosen width) gets {@code value}. */
    record Change(int index, int v0, int v1, int v2, int v3)
    {
    }

    @Provide
    Arbitrary<List<Change>> changes()
    {
        return Combinators.combine(
            Arbitraries.integers().between(0, 10_000),
            Arbitraries.integers().withDistribution(RandomDistribution.uniform()),
            Arbitraries.integers().edgeCases(c -> c.includeOnly(0, -1)),
            Arbitraries.integers(),
            Arbitraries.integers()).as(Change::new).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 400)
    void shouldUpdateIncrementallyExactlyAsAFullRecomputation(
        @ForAll("packet") final byte[] packet, @ForAll("changes") final List<Change> changes,
        @ForAll @IntRange(min = 0, max = 2) final int widthChoice)
    {
        // The checksum covers a packet of whole words; fields of 2, 4 or 16 bytes start at multiples of 2.
        final int width = widthChoice == 0 ? 2 : widthChoice == 1 ? 4 : 16;
        final UnsafeBuffer buffer = new UnsafeBuffer(packet);
        int checksum = ReferenceChecksum.referenceChecksum(packet, 0, packet.length);
        for (final Change change : changes)
        {
            final int at = 2 * (change.index() % ((packet.length - width) / 2 + 1));
            switch (width)
            {
                case 2:
                {
                    final int old = buffer.getShort(at, BIG_ENDIAN) & 0xFFFF;
                    final int value = change.v0() & 0xFFFF;
                    buffer.putShort(at, (short)value, BIG_ENDIAN);
                    checksum = Checksums.update16(checksum, old, value);
                    break;
                }
                case 4:
                {
                    final int old = buffer.getInt(at, BIG_ENDIAN);
                    buffer.putInt(at, change.v0(), BIG_ENDIAN);
                    checksum = Checksums.update32(checksum, old, change.v0());
                    break;
                }
                default:
                {
                    final int[] old = new int[4];
                    for (int i = 0; i < 4; i++)
                    {
                        old[i] = buffer.getInt(at + 4 * i, BIG_ENDIAN);
                    }
                    buffer.putInt(at, change.v0(), BIG_ENDIAN);
                    buffer.putInt(at + 4, change.v1(), BIG_ENDIAN);
                    buffer.putInt(at + 8, change.v2(), BIG_ENDIAN);
                    buffer.putInt(at + 12, change.v3(), BIG_ENDIAN);
                    checksum = Checksums.update128(checksum, old[0], old[1], old[2], old[3],
                        change.v0(), change.v1(), change.v2(), change.v3());
                    break;
                }
            }
        }
        // The packet keeps a non-zero marker word, so the sum never becomes the all-zero case where -0 and +0
        // differ; elsewhere equation 3 gives exactly what recomputation gives.
        assertThat(checksum).isEqualTo(ReferenceChecksum.referenceChecksum(packet, 0, packet.length));
    }

    @Provide
    Arbitrary<byte[]> packet()
    {
        // Even length 20..200; the last two bytes are a marker 0x0001 that no change reaches.
        return Arbitraries.integers().between(10, 100).flatMap(words ->
            Arbitraries.bytes().array(byte[].class).ofSize(2 * words).map(bytes ->
            {
                final byte[] withMarker = Arrays.copyOf(bytes, bytes.length + 2);
                withMarker[withMarker.length - 1] = 1;
                return withMarker;
            }));
    }

    @Property(tries = 300)
    void shouldKeepAUdpChecksumValidThroughAnyPortChange(
        @ForAll("packet") final byte[] datagram, @ForAll @IntRange(min = 0, max = 65535) final int newPort)
    {
        // A checksum field at bytes 6-7 made valid, then a "port" at bytes 0-1 rewritten with the UDP rule.
        final UnsafeBuffer b = new UnsafeBuffer(datagram);
        b.putShort(6, (short)0, BIG_ENDIAN);
        final int first = Checksums.finishUdp(Checksums.sum(b, 0, datagram.length));
        b.putShort(6, (short)first, BIG_ENDIAN);
        final int old = b.getShort(0, BIG_ENDIAN) & 0xFFFF;
        b.putShort(0, (short)newPort, BIG_ENDIAN);
        final int updated = Checksums.udpUpdate16(first, old, newPort);
        b.putShort(6, (short)updated, BIG_ENDIAN);
        assertThat(updated).isNotZero();
        assertThat(ReferenceChecksum.referenceFold(datagram, 0, datagram.length)).as("a receiver's check").isEqualTo(0xFFFF);
    }
}
