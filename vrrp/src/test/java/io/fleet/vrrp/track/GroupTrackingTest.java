package io.fleet.vrrp.track;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fleet.vrrp.election.NodeHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** Keepalived's weight rules for track scripts and tracked interfaces, and the notify commands. */
@Timeout(5)
class GroupTrackingTest
{
    private static final Map<String, TrackScript> SCRIPTS = Map.of(
        "chk_nginx", TrackScript.shell("chk_nginx", "pidof nginx", 2_000_000_000L, 1_000_000_000L, -40),
        "chk_bonus", TrackScript.shell("chk_bonus", "true", 2_000_000_000L, 1_000_000_000L, 10),
        "chk_hard", TrackScript.shell("chk_hard", "true", 2_000_000_000L, 1_000_000_000L, 0));

    private static final List<GroupTracking> GROUPS = List.of(
        new GroupTracking("web", List.of("chk_nginx", "chk_bonus"), List.of(new TrackedInterface("eth1", -20))),
        new GroupTracking("db", List.of("chk_hard"), List.of(new TrackedInterface("eth2", 0))));

    @Test
    void shouldAddNegativeWeightsWhileFailingAndPositiveWhileSucceeding()
    {
        final NodeHealth allGood = GroupTracking.health(GROUPS, SCRIPTS, Map.of(), n -> true, true);
        assertThat(allGood).isEqualTo(new NodeHealth(false, Map.of("web", 10), Set.of()));

        final NodeHealth nginxDown = GroupTracking.health(GROUPS, SCRIPTS,
            Map.of("chk_nginx", false, "chk_bonus", false), n -> true, true);
        assertThat(nginxDown.delta("web")).isEqualTo(-40);

        final NodeHealth eth1Down = GroupTracking.health(GROUPS, SCRIPTS, Map.of(), n -> !n.equals("eth1"), true);
        assertThat(eth1Down.delta("web")).isEqualTo(10 - 20);
        assertThat(eth1Down.faulted("web")).isFalse();
    }

    @Test
    void shouldFaultOnlyTheGroupWhoseWeightZeroScriptOrInterfaceFails()
    {
        assertThat(GroupTracking.health(GROUPS, SCRIPTS, Map.of("chk_hard", false), n -> true, true).faultedGroups())
            .containsExactly("db");
        assertThat(GroupTracking.health(GROUPS, SCRIPTS, Map.of(), n -> !n.equals("eth2"), true).faultedGroups())
            .containsExactly("db");
        final NodeHealth portDown = GroupTracking.health(GROUPS, SCRIPTS, Map.of(), n -> true, false);
        assertThat(portDown.faulted("web")).isTrue();
        assertThat(portDown.faulted("db")).isTrue();
    }

    @Test
    void shouldReadLoopbackAsUpAndAMissingInterfaceAsDownFromSysfs()
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net/lo")),
            "no Linux sysfs");
        assertThat(LinkState.sysfs().isUp("lo")).isTrue();
        assertThat(LinkState.sysfs().isUp("fleet-nonexistent0")).isFalse();
    }

    @Test
    void shouldBuildKeepalivedStyleNotifyCommands()
    {
        final NotifyScripts n = new NotifyScripts(List.of("/etc/fleet/master.sh"), List.of(), List.of("/etc/fleet/fault.sh"),
            List.of("/etc/fleet/notify.sh"), 5_000_000_000L);
        assertThat(n.commands("web", io.fleet.vrrp.election.Role.MASTER, 150)).containsExactly(
            List.of("/etc/fleet/master.sh"), List.of("/etc/fleet/notify.sh", "GROUP", "web", "MASTER", "150"));
        assertThat(n.commands("web", io.fleet.vrrp.election.Role.BACKUP, 150)).containsExactly(
            List.of("/etc/fleet/notify.sh", "GROUP", "web", "BACKUP", "150"));
        assertThat(n.commands("web", io.fleet.vrrp.election.Role.INITIALIZE, 150)).isEmpty();
    }
}
