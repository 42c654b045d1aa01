package io.fleet.director.conn;

import io.fleet.director.service.IpAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool against a model (the set of pairs in use), under any mix of local allocations, releases and pairs reserved
 * for connections another director made. A FULLNAT director does all three: it allocates for its own connections,
 * reserves the pairs of replicated ones, and releases both kinds when they expire.
 */
class LocalPortPoolPropertiesTest
{
    private static final int MIN_PORT = 3000;
    private static final int PORTS = 6;

    @Property(tries = 2000)
    void shouldAgreeWithTheModelUnderAnyMixOfAllocateReserveAndRelease(@ForAll("operations") final List<int[]> operations)
    {
        final LocalPortPool pool = new LocalPortPool(
            new IpAddress[] {IpAddress.parse("local", "10.0.255.1"), IpAddress.parse("local", "10.0.255.2")},
            MIN_PORT, MIN_PORT + PORTS - 1);
        final Set<Long> inUse = new HashSet<>();
        for (final int[] op : operations)
        {
            final int address = op[1];
            final int port = MIN_PORT + op[2];
            final long pair = ((long)address << 16) | port;
            switch (op[0])
            {
                case 0 ->
                {
                    final long got = pool.allocate();
                    if (inUse.size() == 2 * PORTS)
                    {
                        assertThat(got).as("allocate with every pair in use").isEqualTo(LocalPortPool.EXHAUSTED);
                    }
                    else
                    {
                        assertThat(got).as("allocate with %d pairs in use", inUse.size()).isNotEqualTo(LocalPortPool.EXHAUSTED);
                        assertThat(inUse.add(got)).as("pair %s handed out while in use", got).isTrue();
                    }
                }
                case 1 ->
                {
                    pool.reserve(address, port);
                    inUse.add(pair);
                }
                default ->
                {
                    if (inUse.remove(pair))
                    {
                        pool.release(address, port);
                    }
                }
            }
            assertThat(pool.available()).isEqualTo(2L * PORTS - inUse.size());
            for (int a = 0; a < 2; a++)
            {
                for (int p = 0; p < PORTS; p++)
                {
                    assertThat(pool.allocated(a, MIN_PORT + p)).isEqualTo(inUse.contains(((long)a << 16) | (MIN_PORT + p)));
                }
            }
        }
        // Every free pair can still be handed out: none was lost from the ring.
        final Set<Long> drained = new HashSet<>();
        for (long got = pool.allocate(); got != LocalPortPool.EXHAUSTED; got = pool.allocate())
        {
            assertThat(inUse.contains(got) || !drained.add(got)).as("pair %s handed out twice", got).isFalse();
        }
        assertThat(drained.size() + inUse.size()).isEqualTo(2 * PORTS);
    }

    @Provide
    Arbitrary<List<int[]>> operations()
    {
        final Arbitrary<int[]> op = Arbitraries.integers().between(0, 2).flatMap(kind ->
            Arbitraries.integers().between(0, 1).flatMap(address ->
                Arbitraries.integers().between(0, PORTS - 1).map(port -> new int[] {kind, address, port})));
        return op.list().ofMinSize(1).ofMaxSize(80);
    }
}
