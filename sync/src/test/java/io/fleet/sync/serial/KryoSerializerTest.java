package io.fleet.sync.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import com.esotericsoftware.kryo.io.Output;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.fleet.sync.catalog.FieldMap;
import io.fleet.sync.conn.ByteKey;
import io.fleet.sync.conn.ConnectionReplica;
import io.fleet.sync.conn.HybridLogicalClock;

@Timeout(30)
class KryoSerializerTest
{
    // Outside Intruder, so that reading them does not initialise it.
    static final AtomicInteger INITIALISED = new AtomicInteger();
    static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    /** Counts constructions and class initialisations: the refusal tests check both stay at zero. */
    public static final class Intruder
    {
        static
        {
            INITIALISED.incrementAndGet();
        }

        public Intruder()
        {
            CONSTRUCTED.incrementAndGet();
        }
    }

    private final KryoSerializer serializer = new KryoSerializer();

    @Test
    void shouldRoundTripConnectionReplicaWithTombstonesAndMixedLengths()
    {
        final long now = 1_700_000_000_000L;
        final ConnectionReplica.Entry[] batch = {
            new ConnectionReplica.Entry(ByteKey.copyOf(new byte[]{1, 2, 3}), new byte[]{9, 9}, HybridLogicalClock.of(now, 0), 11, now + 900_000),
            new ConnectionReplica.Entry(ByteKey.copyOf(new byte[]{4}), new byte[]{8}, HybridLogicalClock.of(now + 3, 2), 12, now + 50),
            new ConnectionReplica.Entry(ByteKey.copyOf(new byte[]{5, 6}), new byte[0], HybridLogicalClock.of(now + 3, 3), 11, now + 60_000),
        };
        final ConnectionReplica replica = ConnectionReplica.empty(ConnectionReplica.DEFAULT_MAX_LIFETIME_MS)
            .withLocal(batch, batch.length).resetDelta().prune(now + 1000);

        final ConnectionReplica back = (ConnectionReplica)serializer.fromBinary(serializer.toBinary(replica));

        assertThat(back.canonical()).isEqualTo(replica.canonical());
        assertThat(back.horizonMs()).isEqualTo(now + 1000);
        assertThat(back.canonical().get(ByteKey.copyOf(new byte[]{4})).tombstone()).isTrue();
        assertThat(serializer.toBinary(back)).isEqualTo(serializer.toBinary(replica));
    }

    @Test
    void shouldSpendAtMost32BytesPerIpv4ConnectionInADelta()
    {
        // 13-byte key (protocol, client ip:port, vip:port) and a 7-byte DR/NAT record (rip:port, state):
        // what director's encoding of an IPv4 connection takes; 1000 records flushed by one node in one batch.
        final long now = System.currentTimeMillis();
        final int n = 1000;
        final ConnectionReplica.Entry[] batch = new ConnectionReplica.Entry[n];
        final HybridLogicalClock clock = new HybridLogicalClock();
        for (int i = 0; i < n; i++)
        {
            final byte[] key = {6, 10, 0, (byte)(i >> 8), (byte)i, (byte)(i >> 8), (byte)i, (byte)192, (byte)168, 0, 1, 0, 80};
            final byte[] record = {10, 1, 0, (byte)(i & 3), 0, 80, 3};
            batch[i] = new ConnectionReplica.Entry(ByteKey.copyOf(key), record, clock.tick(now + i / 100), 42, now + 900_000);
        }
        final ConnectionReplica delta = ConnectionReplica.empty(ConnectionReplica.DEFAULT_MAX_LIFETIME_MS)
            .withLocal(batch, n).deltaData().orElseThrow();

        final int bytes = serializer.toBinary(delta).length;

        System.out.printf("delta of %d IPv4 connections: %d bytes, %.2f bytes/connection%n", n, bytes, bytes / (double)n);
        assertThat(bytes / (double)n).isLessThanOrEqualTo(32.0);
    }

    @Test
    void shouldRoundTripFieldMap()
    {
        final FieldMap map = FieldMap.EMPTY
            .set("tcp:10.0.0.1:80", "scheduler", "wlc".getBytes(), 5, 1)
            .set("tcp:10.0.0.1:80", "gone", null, 6, 2);

        final FieldMap back = (FieldMap)serializer.fromBinary(serializer.toBinary(map));

        assertThat(back).isEqualTo(map);
        assertThat(back.view()).containsOnlyKeys("tcp:10.0.0.1:80");
        assertThat(back.get("tcp:10.0.0.1:80", "gone").value()).isNull();
    }

    @Test
    void shouldRefuseToSerializeAnUnregisteredClass()
    {
        assertThatThrownBy(() -> serializer.toBinary(new java.util.ArrayList<String>()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not registered");
    }

    @Test
    void shouldRefuseAPayloadNamingAnUnregisteredClassWithoutLoadingIt()
    {
        // Kryo's "class name follows" marker (DefaultClassResolver.NAME + 2 = 1), a name id, then the name of a
        // class with a counting constructor and static initialiser.
        final Output out = new Output(128);
        out.writeVarInt(1, true); // NAME marker of DefaultClassResolver
        out.writeVarInt(0, true); // name id
        out.writeString(Intruder.class.getName());
        final byte[] forged = out.toBytes();

        assertThatThrownBy(() -> serializer.fromBinary(forged)).isInstanceOf(IllegalArgumentException.class)
            .hasStackTraceContaining("class names are refused");
        assertThat(CONSTRUCTED.get()).isZero();
        assertThat(INITIALISED.get()).isZero();
    }

    @Test
    void shouldRefuseAPayloadWithAnUnknownClassId()
    {
        final Output out = new Output(16);
        out.writeVarInt(977 + 2, true); // ids are written +2 by Kryo; 977 is not registered
        final byte[] forged = out.toBytes();

        assertThatThrownBy(() -> serializer.fromBinary(forged)).isInstanceOf(IllegalArgumentException.class)
            .hasStackTraceContaining("unregistered class ID");
    }
}
