package io.fleet.sync.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;

/**
 * The CRDT laws of {@link ConnectionReplica}, compared on canonical form (the state's meaning, independent of how
 * far pruning has got). jqwik prints the seed of every run and of any failure.
 */
class ConnectionReplicaLawsTest
{
    @Provide
    Arbitrary<ConnectionReplica> replica()
    {
        return ReplicaArbitraries.replicas();
    }

    @Provide
    Arbitrary<List<ConnectionReplica.Entry>> batch()
    {
        return ReplicaArbitraries.entries().list().ofMaxSize(10);
    }

    @Property(tries = 500)
    void mergeShouldBeCommutative(
        @ForAll("replica") final ConnectionReplica a, @ForAll("replica") final ConnectionReplica b)
    {
        assertThat(a.merge(b)).isInstanceOf(ConnectionReplica.class);
        assertThat(((ConnectionReplica)a.merge(b)).canonical())
            .isEqualTo(((ConnectionReplica)b.merge(a)).canonical());
    }

    @Property(tries = 500)
    void mergeShouldBeAssociative(
        @ForAll("replica") final ConnectionReplica a, @ForAll("replica") final ConnectionReplica b,
        @ForAll("replica") final ConnectionReplica c)
    {
        final ConnectionReplica left = a.mergeData(b).mergeData(c);
        final ConnectionReplica right = a.mergeData(b.mergeData(c));
        assertThat(left.canonical()).isEqualTo(right.canonical());
    }

    @Property(tries = 300)
    void mergeShouldBeIdempotent(@ForAll("replica") final ConnectionReplica a, @ForAll("replica") final ConnectionReplica b)
    {
        final ConnectionReplica ab = a.mergeData(b);
        assertThat(a.mergeData(a).canonical()).isEqualTo(a.canonical());
        assertThat(ab.mergeData(b).canonical()).isEqualTo(ab.canonical());
        // A structurally equal copy (as received from the wire) must merge the same as the instance itself.
        final ConnectionReplica copy = ConnectionReplica.empty(ReplicaArbitraries.LIFETIME_MS).mergeData(a);
        assertThat(a.mergeData(copy).canonical()).isEqualTo(a.canonical());
    }

    @Property(tries = 500)
    void applyingDeltasShouldEqualMergingFullState(
        @ForAll("replica") final ConnectionReplica origin, @ForAll("replica") final ConnectionReplica remote,
        @ForAll("batch") final List<ConnectionReplica.Entry> first, @ForAll("batch") final List<ConnectionReplica.Entry> second)
    {
        // The origin writes two batches; the remote has seen the origin's earlier state and receives only deltas.
        final ConnectionReplica s1 = origin.withLocal(first.toArray(new ConnectionReplica.Entry[0]), first.size());
        final ConnectionReplica d1 = s1.deltaData().orElseThrow();
        final ConnectionReplica s2 = s1.resetDelta().withLocal(second.toArray(new ConnectionReplica.Entry[0]), second.size());
        final ConnectionReplica d2 = s2.deltaData().orElseThrow();

        final ConnectionReplica viaDeltas = remote.mergeData(origin).mergeDeltaData(d1).mergeData(d2.zero()).mergeDeltaData(d2);
        final ConnectionReplica viaFullState = remote.mergeData(s2.resetDelta());
        assertThat(viaDeltas.canonical()).isEqualTo(viaFullState.canonical());
        // And the origin's own state equals its previous state with its delta applied.
        assertThat(origin.mergeDeltaData(d1).canonical()).isEqualTo(s1.canonical());
    }

    @Property(tries = 500)
    void expiredRecordsShouldNeverComeBack(
        @ForAll("replica") final ConnectionReplica a, @ForAll("replica") final ConnectionReplica b,
        @ForAll("replica") final ConnectionReplica c)
    {
        // Whatever the replicas meet in whichever order, no record expired under the merged horizon is visible,
        // and a replica that has seen a horizon never shows a version older than one that horizon killed.
        final ConnectionReplica merged = a.mergeData(b).mergeData(c);
        final long horizon = merged.horizonMs();
        assertThat(horizon).isEqualTo(Math.max(a.horizonMs(), Math.max(b.horizonMs(), c.horizonMs())));
        merged.forEachLive(0, e -> assertThat(e.expiryMs()).isGreaterThan(horizon));
        for (final ConnectionReplica x : List.of(a, b, c))
        {
            x.canonical().forEach((key, e) ->
            {
                final ConnectionReplica.Entry now = merged.canonical().get(key);
                final boolean superseded = now != null && !e.supersedes(now) ;
                final boolean dead = e.deadAt(horizon, ReplicaArbitraries.LIFETIME_MS);
                assertThat(superseded || dead || now == e || (now != null && now.equals(e.asTombstone())))
                    .as("version %s of %s vanished without being superseded or dead", e, key).isTrue();
            });
        }
    }

    @Property(tries = 300)
    void pruningShouldNotChangeTheMeaning(@ForAll("replica") final ConnectionReplica a,
        @ForAll("replica") final ConnectionReplica b)
    {
        final ConnectionReplica pruned = a.prune(b.horizonMs());
        assertThat(pruned.canonical()).isEqualTo(a.mergeData(ConnectionReplica.empty(ReplicaArbitraries.LIFETIME_MS)
            .prune(b.horizonMs())).canonical());
        // A stale copy merged back after pruning brings nothing back.
        assertThat(pruned.mergeData(ConnectionReplica.empty(ReplicaArbitraries.LIFETIME_MS).mergeData(a)).canonical())
            .isEqualTo(pruned.canonical());
    }
}
