package io.fleet.director.daemon;

import io.fleet.director.demo.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A director the cluster downs cannot come back in its process (its ActorSystem is gone): it must exit with
 * {@link Fleetd#EXIT_DOWNED} so that systemd ({@code Restart=on-failure}) starts a fresh one, not linger without a
 * cluster. Two real {@code fleet run} processes; the one with the higher address is frozen (SIGSTOP) until the split
 * brain resolver of the other, which is kept on a tie, downs it; then it is let go (SIGCONT).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FleetdDownedTest
{
    @TempDir
    Path dir;

    private String config(final int self, final int[] cluster)
    {
        return String.join("\n",
            "fleet.sync.node { hostname = \"127.0.0.1\", port = " + cluster[self] + ", seed-nodes = [\"127.0.0.1:"
                + cluster[0] + "\", \"127.0.0.1:" + cluster[1] + "\"] }",
            "fleet.sync.catalog.durable-dir = \"" + dir.resolve("ddata-" + self) + "\"",
            "fleet.vrrp.groups = [ { name = web, addresses = [\"127.0.0.131\"], priority = 100, preempt = true } ]",
            "director { mode = proxy }",
            "services = [ { protocol = tcp, vip = \"127.0.0.131\", port = " + FreePorts.next() + ", scheduler = rr,",
            "  real-servers = [ { address = \"127.0.0.11\", port = " + FreePorts.next() + ", method = nat } ] } ]",
            "");
    }

    @Test
    void shouldExitWithDownedWhenTheClusterDownsIt() throws Exception
    {
        final int low = FreePorts.next();
        final int high = FreePorts.next();
        final int[] cluster = low < high ? new int[] {low, high} : new int[] {high, low};
        try (Directors directors = new Directors(dir))
        {
            final int kept = directors.start("kept", config(0, cluster));
            final int downed = directors.start("downed", config(1, cluster));
            final String other = "127.0.0.1:" + cluster[1];
            assertThat(directors.await(kept, 0, l -> l.equals("MEMBER UP " + other), 60_000)).as(directors.dump()).isNotNull();
            assertThat(directors.await(downed, 0, l -> l.startsWith("READY"), 60_000)).as(directors.dump()).isNotNull();

            directors.signal(downed, "STOP");
            try
            {
                assertThat(directors.await(kept, 0, l -> l.equals("MEMBER REMOVED " + other), 60_000))
                    .as("the kept director downs the frozen one").isNotNull();
            }
            finally
            {
                directors.signal(downed, "CONT");
            }
            final Integer code = directors.awaitExit(downed, 60_000);
            assertThat(code).as(directors.dump()).isEqualTo(Fleetd.EXIT_DOWNED);
            assertThat(directors.printed(downed, l -> l.startsWith("DOWNED"))).as(directors.dump()).isTrue();
            assertThat(directors.awaitExit(kept, 0)).as("the kept director goes on").isNull();
        }
    }
}
