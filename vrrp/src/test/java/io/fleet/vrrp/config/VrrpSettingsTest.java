package io.fleet.vrrp.config;


import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.fleet.vrrp.election.VipAddress;
import io.fleet.vrrp.election.VipGroup;
import io.fleet.vrrp.track.TrackedInterface;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class VrrpSettingsTest
{
    @Test
    void shouldReadKeepalivedLikeDefaultsFromReferenceConf()
    {
        final VrrpSettings s = VrrpSettings.from(ConfigFactory.load());
        assertThat(s.stableAfterNs()).isEqualTo(2_000_000_000L);
        assertThat(s.announce().count()).isEqualTo(5);
        assertThat(s.announce().repeatDelayNs()).isEqualTo(5_000_000_000L);
        assertThat(s.groups()).isEmpty();
        assertThat(s.wireInstances()).isEmpty();
    }

    @Test
    void shouldReadGroupsScriptsAndWireInstances()
    {
        final VrrpSettings s = VrrpSettings.from(ConfigFactory.parseString(String.join("\n",
            "fleet.vrrp.scripts = [{ name = chk_nginx, script = \"pidof nginx\", interval = 2s, timeout = 1s, weight = -40 }]",
            "fleet.vrrp.groups = [{ name = web, addresses = [\"10.0.0.100\", \"fd00::100\"], priority = 100,",
            "  priorities { \"10.0.0.1:2552\" = 150 }, preempt-delay = 3s, track-scripts = [chk_nginx],",
            "  track-interfaces = [{ name = eth1 }], notify = \"/etc/fleet/notify.sh\" }]",
            "fleet.vrrp.wire-instances = [{ name = VI_1, version = 2, vrid = 51, priority = 150, advert-interval = 1s,",
            "  auth-pass = \"1111\", addresses = [\"10.200.0.100\"], primary-address = \"10.200.0.1\" }]"))
            .withFallback(ConfigFactory.load()));
        final VipGroup web = s.groups().get(0);
        assertThat(web.addresses()).containsExactly(VipAddress.parse("10.0.0.100"), VipAddress.parse("fd00::100"));
        assertThat(web.basePriority("10.0.0.1:2552")).isEqualTo(150);
        assertThat(web.basePriority("10.0.0.2:2552")).isEqualTo(100);
        assertThat(web.preemptDelayNs()).isEqualTo(3_000_000_000L);
        assertThat(s.tracking().get(0).interfaces()).containsExactly(new TrackedInterface("eth1", 0));
        assertThat(s.scripts().get("chk_nginx").weight()).isEqualTo(-40);
        assertThat(s.notifyScripts().get("web").any()).containsExactly("/bin/sh", "-c", "/etc/fleet/notify.sh");
        assertThat(s.wireInstances().get(0).advertIntervalCs()).isEqualTo(100);
        assertThat(s.wireInstances().get(0).authPass()).isEqualTo("1111");
    }

    @Test
    void shouldRefuseAGroupTrackingAnUnknownScript()
    {
        assertThatThrownBy(() -> VrrpSettings.from(ConfigFactory.parseString(
            "fleet.vrrp.groups = [{ name = web, addresses = [\"10.0.0.100\"], priority = 100, track-scripts = [nope] }]")
            .withFallback(ConfigFactory.load())))
            .hasMessageContaining("unknown track script nope");
    }
}
