package io.fleet.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.fleet.sync.catalog.CatalogValidator;
import io.fleet.sync.catalog.EditResult;
import io.fleet.sync.catalog.HealthVotes;
import io.fleet.sync.catalog.Quorum;
import io.fleet.sync.catalog.ServiceCatalog;
import io.fleet.sync.cluster.ClusterMember;
import io.fleet.sync.cluster.MembershipListener;
import io.fleet.sync.conn.ByteKey;
import io.fleet.sync.conn.ConnectionReplication;
import io.fleet.sync.testkit.Await;
import io.fleet.sync.testkit.TestNodes;

/**
 * Three directors in one JVM on loopback, over real Artery TCP: connection records, catalog edits and health
 * votes reach every node; a partition (Artery test-mode blackhole) heals and every replica converges; a late
 * joiner holds the live state when it reports caught up; a whole-fleet restart keeps the catalog (LMDB).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetClusterTest
{
    private static final String HOST = "127.0.0.1";
    private static final long SEED = System.nanoTime();
    private static final Duration CONVERGE = Duration.ofSeconds(15);

    private final Random random = new Random(SEED);
    private final List<Director> directors = new ArrayList<>();
    private final List<Path> ddataDirs = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    /** A node with everything sync offers, and what its "worker" received. */
    static final class Director
    {
        final ClusterNode node;
        final ConnectionReplication connections;
        final ServiceCatalog catalog;
        final HealthVotes votes;
        final Map<ByteKey, byte[]> worker = new ConcurrentHashMap<>();
        final List<String> membership = new CopyOnWriteArrayList<>();

        Director(final ClusterNode node, final CatalogValidator validator)
        {
            this.node = node;
            this.connections = ConnectionReplication.start(node, (key, record, expiryMs) ->
                worker.put(ByteKey.copyOf(key), record));
            this.catalog = ServiceCatalog.start(node, validator);
            this.votes = HealthVotes.start(node);
            node.addMembershipListener(new MembershipListener()
            {
                @Override
                public void memberUnreachable(final ClusterMember m)
                {
                    membership.add("unreachable " + m.port());
                }

                @Override
                public void memberReachable(final ClusterMember m)
                {
                    membership.add("reachable " + m.port());
                }

                @Override
                public void selfInMinority(final boolean inMinority)
                {
                    membership.add("minority " + inMinority);
                }
            });
        }
    }

    private static final CatalogValidator WEIGHTS_0_TO_65535 = (key, field, value, current) ->
    {
        if (field.equals("weight") && value != null)
        {
            final int w = Integer.parseInt(new String(value));
            return w < 0 || w > 65535 ? "weight must be 0..65535: " + w : null;
        }
        return null;
    };

    @BeforeAll
    void startFleet() throws Exception
    {
        System.out.println("FleetClusterTest seed " + SEED);
        for (int i = 0; i < 3; i++)
        {
            ports.add(TestNodes.freePort(HOST));
            ddataDirs.add(Files.createTempDirectory("fleet-ddata-" + i));
        }
        startAll();
    }

    private void startAll() throws Exception
    {
        directors.clear();
        final List<String> seeds = List.of(HOST + ":" + ports.get(0));
        for (int i = 0; i < 3; i++)
        {
            directors.add(new Director(ClusterNode.start(TestNodes.config(HOST, ports.get(i), seeds, ddataDirs.get(i))),
                WEIGHTS_0_TO_65535));
        }
        for (final Director d : directors)
        {
            d.node.awaitUp(Duration.ofSeconds(30));
        }
        Await.until(Duration.ofSeconds(30), () ->
        {
            for (final Director d : directors)
            {
                assertThat(d.node.upMembers()).isEqualTo(3);
            }
        });
        for (final Director d : directors)
        {
            d.connections.caughtUp().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stopFleet()
    {
        for (final Director d : directors)
        {
            d.node.close();
        }
    }

    private byte[] key(final int n)
    {
        return new byte[]{6, 10, 1, 2, 3, (byte)(n >> 8), (byte)n, (byte)192, (byte)168, 0, 1, 0, 80};
    }

    private byte[] record()
    {
        final byte[] r = new byte[7];
        random.nextBytes(r);
        return r;
    }

    @Test
    @Order(1)
    void shouldShowARecordWrittenOnOneDirectorOnTheOthers()
    {
        final Map<ByteKey, byte[]> written = new ConcurrentHashMap<>();
        final long expiryMs = System.currentTimeMillis() + 600_000;
        for (int i = 0; i < 200; i++)
        {
            final byte[] r = record();
            assertThat(directors.get(0).connections.put(key(i), r, expiryMs)).isTrue();
            written.put(ByteKey.copyOf(key(i)), r);
        }

        Await.until(CONVERGE, () ->
        {
            for (final Director d : directors.subList(1, 3))
            {
                assertThat(d.worker).hasSize(written.size());
                written.forEach((k, v) -> assertThat(d.worker.get(k)).as("record %s", k).isEqualTo(v));
            }
        });
        // The writer's own worker is the source of these records: nothing is handed back to it.
        assertThat(directors.get(0).worker).isEmpty();
    }

    @Test
    @Order(2)
    void shouldShowACatalogEditOnAnotherDirectorWithinOneSecond() throws Exception
    {
        final EditResult result = directors.get(0).catalog.put("tcp:10.0.0.1:80", "scheduler", "wlc".getBytes())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        final long appliedNs = System.nanoTime();

        assertThat(result.status()).isEqualTo(EditResult.Status.REPLICATED);
        Await.until(Duration.ofSeconds(1), () ->
            assertThat(directors.get(2).catalog.value("tcp:10.0.0.1:80", "scheduler")).isEqualTo("wlc".getBytes()));
        System.out.printf("catalog edit visible on C %d ms after the write was acknowledged%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - appliedNs));
    }

    @Test
    @Order(3)
    void shouldRefuseAnInvalidEditBeforeReplicatingIt() throws Exception
    {
        final EditResult result = directors.get(1).catalog.put("tcp:10.0.0.1:80", "weight", "70000".getBytes())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        final EditResult valid = directors.get(1).catalog.put("tcp:10.0.0.1:80", "weight", "5".getBytes())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(EditResult.Status.REFUSED);
        assertThat(result.reason()).contains("0..65535");
        assertThat(valid.applied()).isTrue();
        // Once the valid edit arrived everywhere, the refused value is nowhere (it was never written).
        Await.until(CONVERGE, () ->
        {
            for (final Director d : directors)
            {
                assertThat(d.catalog.value("tcp:10.0.0.1:80", "weight")).isEqualTo("5".getBytes());
            }
        });
    }

    @Test
    @Order(4)
    void shouldResolveConcurrentEditsOfOneFieldTheSameWayEverywhere() throws Exception
    {
        final var a = directors.get(0).catalog.put("tcp:10.0.0.2:443", "scheduler", "rr".getBytes());
        final var c = directors.get(2).catalog.put("tcp:10.0.0.2:443", "scheduler", "sh".getBytes());
        a.toCompletableFuture().get(10, TimeUnit.SECONDS);
        c.toCompletableFuture().get(10, TimeUnit.SECONDS);

        Await.until(CONVERGE, () ->
        {
            final byte[] first = directors.get(0).catalog.value("tcp:10.0.0.2:443", "scheduler");
            assertThat(new String(first)).isIn("rr", "sh");
            for (final Director d : directors)
            {
                assertThat(d.catalog.value("tcp:10.0.0.2:443", "scheduler")).isEqualTo(first);
            }
        });
    }

    @Test
    @Order(5)
    void shouldCombineHealthVotesByTheServicesQuorum()
    {
        directors.get(0).votes.vote("vs1", "10.1.0.1:80", true);
        directors.get(1).votes.vote("vs1", "10.1.0.1:80", false);
        directors.get(2).votes.vote("vs1", "10.1.0.1:80", true);

        Await.until(CONVERGE, () ->
        {
            for (final Director d : directors)
            {
                assertThat(d.votes.voters()).hasSize(3);
                assertThat(d.votes.verdict("vs1", "10.1.0.1:80", Quorum.ANY)).isTrue();
                assertThat(d.votes.verdict("vs1", "10.1.0.1:80", Quorum.MAJORITY)).isTrue();
                assertThat(d.votes.verdict("vs1", "10.1.0.1:80", Quorum.ALL)).isFalse();
            }
        });
    }

    @Test
    @Order(6)
    void shouldConvergeEveryReplicaAfterAPartitionHeals() throws Exception
    {
        final Director a = directors.get(0);
        final Director b = directors.get(1);
        final Director c = directors.get(2);
        final int cPort = ports.get(2);
        final long expiryMs = System.currentTimeMillis() + 600_000;
        final Map<ByteKey, byte[]> fromA = new ConcurrentHashMap<>();
        final Map<ByteKey, byte[]> fromC = new ConcurrentHashMap<>();

        TestNodes.partition(c.node, a.node, true);
        TestNodes.partition(c.node, b.node, true);
        try
        {
            Await.until(CONVERGE, () ->
            {
                assertThat(a.membership).contains("unreachable " + cPort);
                // C, alone against two, learns it is the minority (it would release its VIPs).
                assertThat(c.membership).contains("minority true");
            });
            assertThat(a.membership).doesNotContain("minority true");
            for (int i = 1000; i < 1100; i++)
            {
                final byte[] r = record();
                a.connections.put(key(i), r, expiryMs);
                fromA.put(ByteKey.copyOf(key(i)), r);
                final byte[] rc = record();
                c.connections.put(key(i + 1000), rc, expiryMs);
                fromC.put(ByteKey.copyOf(key(i + 1000)), rc);
            }
            // B sees A's side at once; C, cut off, sees none of it.
            Await.until(CONVERGE, () -> assertThat(b.worker.keySet()).containsAll(fromA.keySet()));
            Thread.sleep(500);
            assertThat(c.worker.keySet()).doesNotContainAnyElementsOf(fromA.keySet());
        }
        finally
        {
            TestNodes.partition(c.node, a.node, false);
            TestNodes.partition(c.node, b.node, false);
        }

        Await.until(Duration.ofSeconds(40), () ->
        {
            assertThat(a.membership).contains("reachable " + cPort);
            assertThat(c.membership.lastIndexOf("minority false")).isGreaterThan(c.membership.lastIndexOf("minority true"));
            fromA.forEach((k, v) -> assertThat(c.worker.get(k)).isEqualTo(v));
            fromC.forEach((k, v) ->
            {
                assertThat(a.worker.get(k)).isEqualTo(v);
                assertThat(b.worker.get(k)).isEqualTo(v);
            });
        });
        // Every replica now holds the same live records.
        final Map<ByteKey, ?> onA = a.connections.liveRecords().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Await.until(CONVERGE, () ->
        {
            for (final Director d : directors)
            {
                try
                {
                    assertThat(d.connections.liveRecords().toCompletableFuture().get(10, TimeUnit.SECONDS).keySet())
                        .isEqualTo(onA.keySet());
                }
                catch (final Exception e)
                {
                    throw new AssertionError(e);
                }
            }
        });
    }

    @Test
    @Order(7)
    void shouldHoldTheLiveStateWhenALateJoinerReportsCaughtUp() throws Exception
    {
        final int port = TestNodes.freePort(HOST);
        final Path dir = Files.createTempDirectory("fleet-ddata-late");
        final Director late = new Director(ClusterNode.start(TestNodes.config(HOST, port,
            List.of(HOST + ":" + ports.get(0)), dir)), CatalogValidator.ACCEPT_ALL);
        try
        {
            late.connections.caughtUp().toCompletableFuture().get(40, TimeUnit.SECONDS);
            final int expected = directors.get(0).connections.liveRecords().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).size();
            // Caught up means: before it would take any VIP, its worker already holds every live record.
            assertThat(late.worker).as("delivered %d, full diffs %d, up %d, self %s, terminated %s",
                late.connections.stats().delivered(), late.connections.stats().fullDiffs(), late.node.upMembers(),
                org.apache.pekko.cluster.typed.Cluster.get(late.node.system()).selfMember(),
                late.node.system().whenTerminated().isCompleted()).hasSize(expected);
            assertThat(expected).isGreaterThanOrEqualTo(400);
        }
        finally
        {
            late.node.leave();
            Thread.sleep(1000);
            late.node.close();
        }
    }

    @Test
    @Order(8)
    void shouldKeepTheCatalogAcrossAWholeFleetRestart() throws Exception
    {
        final EditResult result = directors.get(0).catalog.put("tcp:10.0.0.9:53", "weights", "rs1=3,rs2=5".getBytes())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.status()).isEqualTo(EditResult.Status.REPLICATED);
        Await.until(CONVERGE, () ->
        {
            for (final Director d : directors)
            {
                assertThat(d.catalog.value("tcp:10.0.0.9:53", "weights")).isNotNull();
            }
        });

        for (final Director d : directors)
        {
            d.node.close();
        }
        startAll();

        Await.until(CONVERGE, () ->
        {
            for (final Director d : directors)
            {
                assertThat(d.catalog.value("tcp:10.0.0.9:53", "weights")).isEqualTo("rs1=3,rs2=5".getBytes());
                assertThat(d.catalog.value("tcp:10.0.0.1:80", "weight")).isEqualTo("5".getBytes());
            }
        });
        System.out.println("catalog after restart: " + Arrays.toString(directors.get(0).catalog.view().keySet().toArray()));
    }
}
