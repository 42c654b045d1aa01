package io.fleet.sync.conn;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Small replicas over few keys, clocks and nodes, so that generated states collide and conflict often. */
final class ReplicaArbitraries
{
    static final long LIFETIME_MS = 100;

    private ReplicaArbitraries()
    {
    }

    static Arbitrary<ConnectionReplica.Entry> entries()
    {
        return Combinators.combine(
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 300),
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(1, (int)LIFETIME_MS),
            Arbitraries.integers().between(0, 255))
            .as((key, physical, logical, node, ttl, payload) -> new ConnectionReplica.Entry(
                ByteKey.copyOf(new byte[]{(byte)(int)key}), new byte[]{(byte)(int)payload, 7},
                HybridLogicalClock.of(physical, logical), node, physical + ttl));
    }

    /** A replica built as nodes build them: local batches, with pruning at some horizon. */
    static Arbitrary<ConnectionReplica> replicas()
    {
        return Combinators.combine(
            entries().list().ofMaxSize(12),
            Arbitraries.integers().between(0, 400),
            Arbitraries.of(true, false))
            .as(ReplicaArbitraries::build);
    }

    static ConnectionReplica build(final List<ConnectionReplica.Entry> batch, final int horizon, final boolean prune)
    {
        ConnectionReplica r = ConnectionReplica.empty(LIFETIME_MS)
            .withLocal(batch.toArray(new ConnectionReplica.Entry[0]), batch.size()).resetDelta();
        if (prune)
        {
            r = r.prune(horizon).resetDelta();
        }
        return r;
    }
}
