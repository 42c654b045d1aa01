package io.fleet.director.cli;

import io.fleet.director.admin.AdminFixture;
import io.fleet.director.control.ClusterStatus;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.HealthStatus;
import io.fleet.director.control.PortStatus;
import io.fleet.director.control.ReloadResult;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.SyncStatus;
import io.fleet.director.service.IpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static io.fleet.director.cli.AdmRunner.adm;
import static org.assertj.core.api.Assertions.assertThat;

/** Fleet's own {@code fleet adm} commands: cluster, vips, health, sync, ports, reload. */
@Timeout(60)
class AdmFleetCommandsTest
{
    private static AdminFixture fx;

    @BeforeAll
    static void start() throws Exception
    {
        fx = new AdminFixture();
        fx.control.cluster(new ClusterStatus("127.0.0.1:25521", List.of(
            new ClusterStatus.Member("127.0.0.1:25521", "up", true, List.of("director")),
            new ClusterStatus.Member("127.0.0.1:25523", "up", false, List.of())),
            List.of(new ClusterStatus.VipGroupStatus("web", List.of("192.0.2.10", "2001:db8::10"), "127.0.0.1:25521", "MASTER"),
                new ClusterStatus.VipGroupStatus("dns", List.of("192.0.2.53"), null, "BACKUP")), 4),
            List.of(IpAddress.parse("v", "192.0.2.10"), IpAddress.parse("v", "2001:db8::10")));
        fx.control.health(List.of(new HealthStatus(ServiceId.parse("s", "tcp:192.0.2.10:80"),
            Endpoint.parse("r", "192.0.2.11:80", true), "TCP_CHECK", false,
            Map.of("127.0.0.1:25521", false, "127.0.0.1:25522", true, "127.0.0.1:25523", true), "majority", true, 5L)));
        fx.control.ports(List.of(new PortStatus("vxlan0", "vxlan", 12, 10, Map.of("no_service", 2L))));
        fx.control.sync(new SyncStatus(3, 40, 38, 0.8, 4.25, 0, 0));
        fx.control.nextReload(new ReloadResult(true, List.of("+1 service", "2 weights changed"), List.of()));
    }

    @AfterAll
    static void stop() throws Exception
    {
        fx.close();
    }

    @Test
    void shouldShowTheCluster()
    {
        final AdmRunner.Result r = adm(fx, null, "cluster");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(
            "Fleet cluster as seen by 127.0.0.1:25521 (election transitions here: 4)\n"
                + String.format("%-28s %-10s %-9s %s%n", "Member", "Status", "Reachable", "Roles")
                + String.format("%-28s %-10s %-9s %s%n", "127.0.0.1:25521", "up", "yes", "director")
                + String.format("%-28s %-10s %-9s %s%n", "127.0.0.1:25523", "up", "no", ""));
    }

    @Test
    void shouldShowVipHolders()
    {
        final AdmRunner.Result r = adm(fx, null, "vips");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
            String.format("%-16s %-40s %-28s %s", "Group", "VIP", "Holder", "Role here"),
            String.format("%-16s %-40s %-28s %s", "web", "192.0.2.10", "127.0.0.1:25521", "MASTER"),
            String.format("%-16s %-40s %-28s %s", "web", "2001:db8::10", "127.0.0.1:25521", "MASTER"),
            String.format("%-16s %-40s %-28s %s", "dns", "192.0.2.53", "-", "BACKUP"),
            "Held here: 192.0.2.10 2001:db8::10");
    }

    @Test
    void shouldShowHealthVotesAndVerdict()
    {
        final AdmRunner.Result r = adm(fx, null, "health");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
            String.format("%-30s %-30s %-10s %-6s %-8s %-9s %s", "Service", "Real server", "Checker", "Here", "Votes up",
                "Quorum", "Verdict"),
            String.format("%-30s %-30s %-10s %-6s %-8s %-9s %s", "tcp:192.0.2.10:80", "192.0.2.11:80", "TCP_CHECK", "down",
                "2/3", "majority", "up"));
    }

    @Test
    void shouldShowSyncPortsAndReload()
    {
        assertThat(adm(fx, null, "sync").out())
            .isEqualTo("Connection sync: backlog 3, sent 40, received 38, lag p50 0.8 ms, p99 4.3 ms\n");
        assertThat(adm(fx, null, "ports").out().lines().toList()).containsExactly(
            String.format("%-16s %-8s %12s %12s  %s", "Port", "Kind", "FramesIn", "FramesOut", "Drops"),
            String.format("%-16s %-8s %12d %12d  %s", "vxlan0", "vxlan", 12, 10, "no_service=2"));
        assertThat(adm(fx, null, "reload").out()).isEqualTo("Reload applied: +1 service; 2 weights changed\n");
    }

    @Test
    void shouldTakeNodeAndTokenAfterTheCommandWord()
    {
        final AdmRunner.Result r = adm(Map.of(), null, "cluster", "--node", fx.url(), "--token-file", fx.tokenFile.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Fleet cluster as seen by 127.0.0.1:25521");
    }

    @Test
    void shouldSayWhyAReloadWasRefused()
    {
        fx.control.nextReload(new ReloadResult(false, List.of(), List.of("fleet.conf:7: services[0].port: must be 1..65535 (got 0)")));
        try
        {
            final AdmRunner.Result r = adm(fx, null, "reload");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("fleet adm: config: fleet.conf:7: services[0].port: must be 1..65535 (got 0)\n");
        }
        finally
        {
            fx.control.nextReload(new ReloadResult(true, List.of("+1 service", "2 weights changed"), List.of()));
        }
    }
}
