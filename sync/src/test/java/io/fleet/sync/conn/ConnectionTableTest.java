package io.fleet.sync.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ConnectionTable} is the {@link ConnectionReplica} CRDT held in primitive arrays: on any history of joined
 * batches and prunes it means exactly what the immutable replica (the reference object model) means after merging
 * the same batches as deltas, so the laws in {@link ConnectionReplicaLawsTest} carry over; it reports as won exactly
 * the versions it keeps, and its digests and repair sets are those of the reference's versions. The unit tests
 * below pin the table's own mechanics: last writer wins, in-place and moved records, expiry and tombstones,
 * removal from full probe chains, growth, refusal at capacity, compaction and iteration.
 */
class ConnectionTableTest
{
    private static final long LIFETIME_MS = ReplicaArbitraries.LIFETIME_MS;

    /** One step: a batch of versions to join, or (when empty) a prune to the given horizon. */
    record Step(List<ConnectionReplica.Entry> batch, int horizonMs)
    {
    }

    @Provide
    Arbitrary<List<Step>> history()
    {
        return steps(ReplicaArbitraries.entries(), 8, 8);
    }

    /** Many keys, so that the table grows, probe chains form and prunes remove from the middle of them. */
    @Provide
    Arbitrary<List<Step>> crowdedHistory()
    {
        final Arbitrary<ConnectionReplica.Entry> entry = Combinators.combine(
            Arbitraries.integers().between(0, 400),
            Arbitraries.integers().between(0, 300),
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(1, (int)LIFETIME_MS),
            Arbitraries.integers().between(0, 3))
            .as((key, physical, logical, node, ttl, length) -> new ConnectionReplica.Entry(
                ByteKey.copyOf(new byte[]{(byte)(key >> 8), (byte)(int)key}),
                length == 3 ? null : recordOf(length, key + physical),
                HybridLogicalClock.of(physical, logical), node, physical + ttl));
        return steps(entry, 120, 12);
    }

    private static byte[] recordOf(final int length, final int seed)
    {
        final byte[] r = new byte[length * 3];
        Arrays.fill(r, (byte)seed);
        return r;
    }

    private static Arbitrary<List<Step>> steps(
        final Arbitrary<ConnectionReplica.Entry> entry, final int batchMax, final int stepsMax)
    {
        final Arbitrary<Step> step = Combinators.combine(
            Arbitraries.oneOf(entry.list().ofMaxSize(batchMax), Arbitraries.just(List.<ConnectionReplica.Entry>of())),
            Arbitraries.integers().between(0, 400)).as(Step::new);
        return step.list().ofMaxSize(stepsMax);
    }

    @Property(tries = 500)
    void shouldMeanWhatTheReplicaMeansAfterTheSameDeltasAndPrunes(@ForAll("history") final List<Step> history)
    {
        checkAgainstReference(history);
    }

    @Property(tries = 300)
    void shouldMeanWhatTheReplicaMeansWhenCrowded(@ForAll("crowdedHistory") final List<Step> history)
    {
        checkAgainstReference(history);
    }

    private static void checkAgainstReference(final List<Step> history)
    {
        final ConnectionTable table = new ConnectionTable(LIFETIME_MS);
        ConnectionReplica replica = ConnectionReplica.empty(LIFETIME_MS);
        for (final Step s : history)
        {
            if (s.batch().isEmpty())
            {
                table.prune(s.horizonMs());
                replica = replica.prune(s.horizonMs()).resetDelta();
                assertAgree(table, replica);
                continue;
            }
            final ConnectionReplica.Entry[] batch = s.batch().toArray(new ConnectionReplica.Entry[0]);
            for (final ConnectionReplica.Entry e : batch)
            {
                final ConnectionReplica.Entry before = table.entry(e.key());
                final int joined = table.join(e);
                final ConnectionReplica.Entry after = table.entry(e.key());
                // Won exactly when the table now holds this version and did not before.
                final boolean nowHeld = after != null && sameVersion(after, e) && after.tombstone() == e.tombstone();
                final boolean heldBefore = before != null && sameVersion(before, e) && before.tombstone() == e.tombstone();
                assertThat(joined).as("join of %s over %s", e, before)
                    .isEqualTo(nowHeld && !heldBefore ? ConnectionTable.WON : ConnectionTable.LOST);
            }
            final ConnectionReplica delta = ConnectionReplica.empty(LIFETIME_MS)
                .withLocal(batch, batch.length).deltaData().orElseThrow();
            replica = replica.mergeDeltaData(delta);
            assertAgree(table, replica);
        }
        assertThat(Arrays.asList(table.canonicalByVersion()))
            .containsExactlyElementsOf(Arrays.asList(replica.canonicalByVersion()));
    }

    private static boolean sameVersion(final ConnectionReplica.Entry a, final ConnectionReplica.Entry b)
    {
        return a.hlc() == b.hlc() && a.node() == b.node() && a.expiryMs() == b.expiryMs() &&
            Arrays.equals(a.record(), b.record());
    }

    /** Same meaning, same digests and same repair sets, at the table's horizon and at a later one. */
    private static void assertAgree(final ConnectionTable table, final ConnectionReplica replica)
    {
        assertThat(table.toReplica().canonical()).isEqualTo(replica.canonical());
        assertThat(table.horizonMs()).isEqualTo(replica.horizonMs());
        for (final long cut : new long[]{HybridLogicalClock.of(150, 0), Long.MAX_VALUE})
        {
            for (final long horizon : new long[]{table.horizonMs(), table.horizonMs() + 120})
            {
                final long[] digest = new long[StreamReplicator.SEGMENTS];
                table.digest(cut, horizon, digest);
                assertThat(digest).isEqualTo(referenceDigest(replica, cut, horizon));
                final long mask = 0b1010_0110_0101_1001L;
                assertThat(Arrays.asList(table.versions(mask, cut, horizon)))
                    .containsExactlyElementsOf(referenceVersions(replica, mask, cut, horizon));
            }
        }
    }

    private static long[] referenceDigest(final ConnectionReplica replica, final long cutHlc, final long horizonMs)
    {
        final long[] segments = new long[StreamReplicator.SEGMENTS];
        for (final ConnectionReplica.Entry e : replica.canonical().values())
        {
            if (e.hlc() < cutHlc && !e.deadAt(horizonMs, LIFETIME_MS))
            {
                final int hash = e.key().hashCode();
                segments[ConnectionTable.segment(hash)] += ConnectionTable.versionHash(hash, e.hlc(), e.node(), e.expiryMs());
            }
        }
        return segments;
    }

    private static List<ConnectionReplica.Entry> referenceVersions(
        final ConnectionReplica replica, final long mask, final long cutHlc, final long horizonMs)
    {
        final List<ConnectionReplica.Entry> out = new ArrayList<>();
        for (final ConnectionReplica.Entry e : replica.canonical().values())
        {
            if (e.hlc() < cutHlc && !e.deadAt(horizonMs, LIFETIME_MS) &&
                (mask & (1L << ConnectionTable.segment(e.key().hashCode()))) != 0)
            {
                out.add(e.liveAt(horizonMs) ? e : e.asTombstone());
            }
        }
        out.sort(ConnectionReplica.Entry::compareVersion);
        return out;
    }

    // ------------------------------------------------------------------------------------------- unit tests

    private static final long NOW_MS = 1_700_000_000_000L;

    private static ConnectionReplica.Entry version(
        final int key, final byte[] record, final long physicalMs, final int node, final long expiryMs)
    {
        return new ConnectionReplica.Entry(ByteKey.wrap(key(key)), record, HybridLogicalClock.of(physicalMs, 0), node,
            expiryMs);
    }

    private static byte[] key(final int i)
    {
        return new byte[]{6, 10, 0, (byte)(i >> 16), (byte)(i >> 8), (byte)i, 0x30, 0x39, (byte)192, (byte)168, 0, 1, 80};
    }

    private static byte[] record(final int i)
    {
        return new byte[]{10, 1, (byte)(i >> 8), (byte)i, 0, 80, 3};
    }

    @Test
    void shouldInsertAndReadBackEveryField()
    {
        final ConnectionTable table = new ConnectionTable(900_000);
        final ConnectionReplica.Entry e = version(1, record(1), NOW_MS, 7, NOW_MS + 60_000);

        assertThat(table.join(e)).isEqualTo(ConnectionTable.WON);
        assertThat(table.join(e)).as("the same version again").isEqualTo(ConnectionTable.LOST);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.entry(ByteKey.wrap(key(1)))).isEqualTo(e);
        assertThat(table.entry(ByteKey.wrap(key(2)))).isNull();
    }

    @Test
    void shouldKeepTheLastWriterByClockThenNode()
    {
        final ConnectionTable table = new ConnectionTable(900_000);
        table.join(version(1, record(1), NOW_MS, 5, NOW_MS + 60_000));

        assertThat(table.join(version(1, record(2), NOW_MS - 1, 9, NOW_MS + 90_000))).as("older clock")
            .isEqualTo(ConnectionTable.LOST);
        assertThat(table.join(version(1, record(3), NOW_MS, 4, NOW_MS + 90_000))).as("same clock, lower node")
            .isEqualTo(ConnectionTable.LOST);
        assertThat(table.entry(ByteKey.wrap(key(1))).record()).isEqualTo(record(1));

        assertThat(table.join(version(1, record(4), NOW_MS, 6, NOW_MS + 30_000))).as("same clock, higher node")
            .isEqualTo(ConnectionTable.WON);
        assertThat(table.entry(ByteKey.wrap(key(1))).record()).isEqualTo(record(4));
        assertThat(table.join(version(1, record(5), NOW_MS + 1, 1, NOW_MS + 30_000))).as("newer clock")
            .isEqualTo(ConnectionTable.WON);
        assertThat(table.entry(ByteKey.wrap(key(1)))).isEqualTo(version(1, record(5), NOW_MS + 1, 1, NOW_MS + 30_000));
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void shouldRewriteSameLengthRecordsInPlaceAndMoveOthers()
    {
        final ConnectionTable table = new ConnectionTable(900_000);
        table.join(version(1, record(1), NOW_MS, 1, NOW_MS + 60_000));
        final int arena = table.arenaBytes();

        table.join(version(1, record(2), NOW_MS + 1, 1, NOW_MS + 60_000));
        assertThat(table.arenaBytes()).isEqualTo(arena);
        assertThat(table.entry(ByteKey.wrap(key(1))).record()).isEqualTo(record(2));

        final byte[] fullNat = {10, 1, 0, 2, 0, 80, 3, 10, 9, 9, 9, 0x75, 0x30};
        table.join(version(1, fullNat, NOW_MS + 2, 1, NOW_MS + 60_000));
        assertThat(table.arenaBytes()).isEqualTo(arena + 13 + fullNat.length);
        assertThat(table.entry(ByteKey.wrap(key(1))).record()).isEqualTo(fullNat);

        table.join(version(1, new byte[0], NOW_MS + 3, 1, NOW_MS + 60_000));
        assertThat(table.entry(ByteKey.wrap(key(1))).record()).isEmpty();
        assertThat(table.entry(ByteKey.wrap(key(1))).tombstone()).isFalse();
    }

    @Test
    void shouldTombstoneExpiredRecordsThenDropThemForGoodAfterTheirLifetime()
    {
        final ConnectionTable table = new ConnectionTable(60_000);
        final ConnectionReplica.Entry shortFlow = version(1, record(1), NOW_MS, 1, NOW_MS + 10_000);
        final ConnectionReplica.Entry longFlow = version(2, record(2), NOW_MS, 1, NOW_MS + 60_000);
        table.join(shortFlow);
        table.join(longFlow);

        table.prune(NOW_MS + 20_000);
        assertThat(table.entry(ByteKey.wrap(key(1))).tombstone()).isTrue();
        final List<ConnectionReplica.Entry> live = new ArrayList<>();
        table.forEachLive(NOW_MS + 20_000, live::add);
        assertThat(live).containsExactly(longFlow);
        // The same version again is not a newer one: the tombstone stays.
        assertThat(table.join(shortFlow)).isEqualTo(ConnectionTable.LOST);
        assertThat(table.entry(ByteKey.wrap(key(1))).tombstone()).isTrue();

        table.prune(NOW_MS + 60_000);
        assertThat(table.size()).as("both dead: clock + lifetime <= horizon").isZero();
        assertThat(table.entry(ByteKey.wrap(key(1)))).isNull();
        // A replayed dead version never comes back.
        assertThat(table.join(shortFlow)).isEqualTo(ConnectionTable.LOST);
        assertThat(table.join(longFlow)).isEqualTo(ConnectionTable.LOST);
        assertThat(table.size()).isZero();
        // A newer write of the same connection does.
        assertThat(table.join(version(1, record(3), NOW_MS + 60_001, 1, NOW_MS + 70_000))).isEqualTo(ConnectionTable.WON);
    }

    @Test
    void shouldFindEveryKeyAfterRemovalsFromProbeChainsAndGrowth()
    {
        final ConnectionTable table = new ConnectionTable(60_000);
        final int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            // Every third record is written long ago and dies at the prune below.
            final long at = i % 3 == 0 ? NOW_MS - 60_000 : NOW_MS;
            assertThat(table.join(version(i, record(i), at, 1, at + 30_000))).isEqualTo(ConnectionTable.WON);
        }
        assertThat(table.size()).isEqualTo(n);
        assertThat(table.capacity()).isGreaterThanOrEqualTo(n * 100 / 75).isEqualTo(Integer.highestOneBit(table.capacity()));
        // Off-heap: 32-byte slots and the key and record bytes, nothing per record on the heap; old buffers freed.
        assertThat(table.memoryBytes()).isLessThanOrEqualTo(32L * table.capacity() + 2L * n * 20 + 1024);
        assertThat(ConnectionTable.freesAtOnce()).isTrue();

        table.prune(NOW_MS);
        for (int i = 0; i < n; i++)
        {
            final ConnectionReplica.Entry e = table.entry(ByteKey.wrap(key(i)));
            if (i % 3 == 0)
            {
                assertThat(e).as("dead %d", i).isNull();
            }
            else
            {
                assertThat(e).as("kept %d", i).isNotNull();
                assertThat(e.record()).isEqualTo(record(i));
            }
        }
        assertThat(table.size()).isEqualTo(n - (n + 2) / 3);
    }

    @Test
    void shouldRefuseNewKeysAtCapacityButStillUpdateHeldOnes()
    {
        final ConnectionTable table = new ConnectionTable(60_000, 3, 0.5);
        for (int i = 0; i < 3; i++)
        {
            assertThat(table.join(version(i, record(i), NOW_MS - 60_000, 1, NOW_MS - 50_000))).isEqualTo(ConnectionTable.WON);
        }
        assertThat(table.join(version(3, record(3), NOW_MS, 1, NOW_MS + 1000))).isEqualTo(ConnectionTable.REFUSED);
        assertThat(table.entry(ByteKey.wrap(key(3)))).isNull();
        assertThat(table.join(version(2, record(9), NOW_MS, 1, NOW_MS + 1000))).isEqualTo(ConnectionTable.WON);
        assertThat(table.size()).isEqualTo(3);

        // Room again once pruning drops the dead versions.
        table.prune(NOW_MS);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.join(version(3, record(3), NOW_MS, 1, NOW_MS + 1000))).isEqualTo(ConnectionTable.WON);
    }

    @Test
    void shouldGrowStaggeredTablesAtDifferentSizes()
    {
        final ConnectionTable early = new ConnectionTable(60_000, Integer.MAX_VALUE, 0.0);
        final ConnectionTable late = new ConnectionTable(60_000, Integer.MAX_VALUE, 0.99);
        for (int i = 0; i < 600; i++)
        {
            early.join(version(i, record(i), NOW_MS, 1, NOW_MS + 1000));
            late.join(version(i, record(i), NOW_MS, 1, NOW_MS + 1000));
        }
        // 600 versions: above half of 1024 slots, below three quarters.
        assertThat(early.capacity()).isEqualTo(2048);
        assertThat(late.capacity()).isEqualTo(1024);
        assertThatThrownBy(() -> new ConnectionTable(60_000, 10, 1.0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("stagger");
    }

    @Test
    void shouldRefuseANonPositiveCapacityOrLifetimeNamingIt()
    {
        assertThatThrownBy(() -> new ConnectionTable(60_000, 0, 0.5)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("maxEntries");
        assertThatThrownBy(() -> new ConnectionTable(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("maxLifetimeMs");
    }

    @Test
    void shouldCompactTheArenaOnceGarbageIsHalfOfIt()
    {
        final ConnectionTable table = new ConnectionTable(60_000);
        final int n = 10_000;
        for (int round = 0; round < 6; round++)
        {
            // Alternate record lengths, so that every update moves the bytes to the end of the arena.
            final byte[] r = new byte[round % 2 == 0 ? 7 : 13];
            for (int i = 0; i < n; i++)
            {
                r[0] = (byte)round;
                table.join(version(i, r.clone(), NOW_MS + round, 1, NOW_MS + 30_000));
            }
        }
        table.prune(NOW_MS + 1);
        // Live bytes: n x (13 key + 13 record); without compaction it would be about six times that.
        assertThat(table.arenaBytes()).isLessThanOrEqualTo(2 * n * 26);
        for (int i = 0; i < n; i++)
        {
            final ConnectionReplica.Entry e = table.entry(ByteKey.wrap(key(i)));
            assertThat(e.record()).hasSize(13);
            assertThat(e.record()[0]).isEqualTo((byte)5);
        }
    }

    @Test
    void shouldIterateEveryVersionForStateTransfersAndDigests()
    {
        final ConnectionTable table = new ConnectionTable(60_000);
        final TreeMap<ByteKey, ConnectionReplica.Entry> expected = new TreeMap<>();
        for (int i = 0; i < 500; i++)
        {
            final ConnectionReplica.Entry e = version(i, record(i), NOW_MS + i, 1 + i % 3, NOW_MS + 1000 + i);
            table.join(e);
            expected.put(e.key(), e);
        }
        table.prune(NOW_MS + 1250);

        final List<ConnectionReplica.Entry> all = new ArrayList<>();
        table.forEach(all::add);
        assertThat(all).hasSize(500);
        final ConnectionReplica.Entry[] canonical = table.canonicalByVersion();
        assertThat(canonical).hasSize(500);
        for (int i = 0; i < canonical.length; i++)
        {
            final ConnectionReplica.Entry e = canonical[i];
            assertThat(e.hlc()).as("sorted by version").isEqualTo(HybridLogicalClock.of(NOW_MS + i, 0));
            // Expired at the horizon (expiry <= NOW + 1250): tombstones; the rest live.
            assertThat(e.tombstone()).isEqualTo(NOW_MS + 1000 + i <= NOW_MS + 1250);
        }
        final long[] digest = new long[StreamReplicator.SEGMENTS];
        table.digest(Long.MAX_VALUE, table.horizonMs(), digest);
        final long[] reference = new long[StreamReplicator.SEGMENTS];
        for (final ConnectionReplica.Entry e : expected.values())
        {
            final int hash = e.key().hashCode();
            reference[ConnectionTable.segment(hash)] += ConnectionTable.versionHash(hash, e.hlc(), e.node(), e.expiryMs());
        }
        assertThat(digest).isEqualTo(reference);
        assertThat(Arrays.stream(digest).filter(d -> d != 0).count()).as("500 keys spread over the segments")
            .isEqualTo(StreamReplicator.SEGMENTS);
    }
}
