package io.fleet.sync.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ConnectionTable} is the {@link ConnectionReplica} CRDT held mutably: on any history of joined batches and
 * prunes it means exactly what the immutable replica means after merging the same batches as deltas (so the
 * laws in {@link ConnectionReplicaLawsTest} carry over), and it reports as won exactly the versions it keeps.
 */
class ConnectionTableTest
{
    /** One step: a batch of versions to join, or (when empty) a prune to the given horizon. */
    record Step(List<ConnectionReplica.Entry> batch, int horizonMs)
    {
    }

    @Provide
    Arbitrary<List<Step>> history()
    {
        final Arbitrary<Step> step = net.jqwik.api.Combinators.combine(
            ReplicaArbitraries.entries().list().ofMaxSize(8), Arbitraries.integers().between(0, 400)).as(Step::new);
        return step.list().ofMaxSize(8);
    }

    @Property(tries = 500)
    void shouldMeanWhatTheReplicaMeansAfterTheSameDeltasAndPrunes(@ForAll("history") final List<Step> history)
    {
        final ConnectionTable table = new ConnectionTable(ReplicaArbitraries.LIFETIME_MS);
        ConnectionReplica replica = ConnectionReplica.empty(ReplicaArbitraries.LIFETIME_MS);
        for (final Step s : history)
        {
            if (s.batch().isEmpty())
            {
                table.prune(s.horizonMs());
                replica = replica.prune(s.horizonMs()).resetDelta();
                continue;
            }
            final ConnectionReplica.Entry[] batch = s.batch().toArray(new ConnectionReplica.Entry[0]);
            final List<ConnectionReplica.Entry> won = new ArrayList<>();
            final ConnectionReplica.Entry[] before = new ConnectionReplica.Entry[batch.length];
            for (int i = 0; i < batch.length; i++)
            {
                before[i] = table.entry(batch[i].key());
                if (table.join(batch[i]))
                {
                    won.add(batch[i]);
                }
            }
            final ConnectionReplica delta = ConnectionReplica.empty(ReplicaArbitraries.LIFETIME_MS)
                .withLocal(batch, batch.length).deltaData().orElseThrow();
            replica = replica.mergeDeltaData(delta);

            assertThat(table.toReplica().canonical()).isEqualTo(replica.canonical());
            // Every version held now that was not held before the batch was reported as won.
            for (final ConnectionReplica.Entry held : table.toReplica().canonical().values())
            {
                if (!s.batch().stream().anyMatch(e -> e.key().equals(held.key())))
                {
                    continue;
                }
                final boolean heldBefore = java.util.Arrays.stream(before).anyMatch(b -> b != null &&
                    b.key().equals(held.key()) && b.hlc() == held.hlc() && b.node() == held.node());
                if (!heldBefore)
                {
                    assertThat(won).anyMatch(w -> w.key().equals(held.key()) && w.hlc() == held.hlc() &&
                        w.node() == held.node());
                }
            }
        }
        assertThat(table.toReplica().canonical()).isEqualTo(replica.canonical());
        assertThat(java.util.Arrays.asList(table.canonicalByVersion()))
            .containsExactlyElementsOf(java.util.Arrays.asList(replica.canonicalByVersion()));
    }
}
