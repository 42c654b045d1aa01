package io.fleet.director.service;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VirtualServiceTest
{
    private static final IpAddress VIP4 = IpAddress.parse("vip", "192.0.2.10");
    private static final IpAddress VIP6 = IpAddress.parse("vip", "2001:db8::10");

    @Test
    void shouldApplyIpvsDefaults()
    {
        final VirtualService vs = VirtualService.tcp(VIP4, 80).build();
        assertThat(vs.scheduler()).isEqualTo(SchedulerKind.WLC);
        assertThat(vs.persistent()).isFalse();
        assertThat(vs.persistenceNetmask()).isEqualTo(32);
        assertThat(vs.key()).isEqualTo("TCP  192.0.2.10:80");

        final VirtualService p = VirtualService.udp(VIP6, 53).persistence().build();
        assertThat(p.persistenceTimeoutS()).isEqualTo(300);
        assertThat(p.persistenceNetmask()).isEqualTo(128);
        assertThat(p.key()).isEqualTo("UDP  [2001:db8::10]:53");
    }

    @Test
    void shouldRejectZeroPortForANonPersistentService()
    {
        assertThatThrownBy(() -> VirtualService.tcp(VIP4, 0).build())
            .isInstanceOf(InvalidServiceException.class)
            .hasMessageContaining("port")
            .hasMessageContaining("'0'");
        // IPVS serves every port of the VIP when the service is persistent and port-less.
        assertThat(VirtualService.tcp(VIP4, 0).persistence(600).build().port()).isZero();
    }

    @Test
    void shouldAcceptAFirewallMarkServiceWithoutAddressOrPort()
    {
        final VirtualService vs = VirtualService.fwmark(7, true).scheduler(SchedulerKind.RR).build();
        assertThat(vs.isFwmark()).isTrue();
        assertThat(vs.isIpv6()).isTrue();
        assertThat(vs.key()).isEqualTo("FWM  7 IPv6");
        assertThatThrownBy(() -> VirtualService.fwmark(7, false).port(80).build())
            .hasMessageContaining("port").hasMessageContaining("'80'");
        assertThatThrownBy(() -> VirtualService.fwmark(-1, false).build())
            .hasMessageContaining("fwmark").hasMessageContaining("'-1'");
    }

    @Test
    void shouldRejectUnknownSchedulersNamingTheValue()
    {
        assertThatThrownBy(() -> SchedulerKind.parse("scheduler", "fastest"))
            .isInstanceOf(InvalidServiceException.class)
            .hasMessageContaining("scheduler")
            .hasMessageContaining("'fastest'")
            .hasMessageContaining("wlc");
        assertThat(SchedulerKind.parse("scheduler", "MH")).isEqualTo(SchedulerKind.MH);
    }

    @Test
    void shouldAcceptSchedulerFlagsOnlyForTheirScheduler()
    {
        assertThat(SchedulerFlag.parse("sched-flags", "sh-fallback,sh-port", SchedulerKind.SH))
            .containsExactly(SchedulerFlag.FLAG_1, SchedulerFlag.FLAG_2);
        assertThat(SchedulerFlag.parse("sched-flags", "flag-3", SchedulerKind.RR)).containsExactly(SchedulerFlag.FLAG_3);
        assertThatThrownBy(() -> SchedulerFlag.parse("sched-flags", "mh-port", SchedulerKind.SH))
            .hasMessageContaining("sched-flags").hasMessageContaining("'mh-port'").hasMessageContaining("mh");
        assertThatThrownBy(() -> SchedulerFlag.parse("sched-flags", "turbo", SchedulerKind.SH))
            .hasMessageContaining("'turbo'");
        final VirtualService vs = VirtualService.tcp(VIP4, 80).scheduler(SchedulerKind.MH)
            .schedulerFlags(EnumSet.of(SchedulerFlag.FLAG_1)).build();
        assertThat(SchedulerFlag.FLAG_1.displayName(vs.scheduler())).isEqualTo("mh-fallback");
    }

    @Test
    void shouldValidatePersistenceSettings()
    {
        assertThatThrownBy(() -> VirtualService.tcp(VIP4, 80).persistenceNetmask(24).build())
            .hasMessageContaining("netmask").hasMessageContaining("persistent");
        assertThatThrownBy(() -> VirtualService.tcp(VIP4, 80).persistence().persistenceNetmask(33).build())
            .hasMessageContaining("netmask").hasMessageContaining("'33'");
        assertThatThrownBy(() -> VirtualService.tcp(VIP4, 80).persistence(-5).build())
            .hasMessageContaining("persistent").hasMessageContaining("'-5'");
        assertThat(VirtualService.Builder.netmask("255.255.255.0")).isEqualTo(24);
        assertThat(VirtualService.Builder.netmask("64")).isEqualTo(64);
        assertThatThrownBy(() -> VirtualService.Builder.netmask("255.0.255.0"))
            .hasMessageContaining("netmask").hasMessageContaining("contiguous");
        assertThat(VirtualService.udp(VIP6, 53).persistence(60).persistenceNetmask(64).build().persistenceNetmask())
            .isEqualTo(64);
    }

    @Test
    void shouldAllowOnePacketSchedulingOnlyForUdp()
    {
        assertThat(VirtualService.udp(VIP4, 53).onePacket(true).build().onePacket()).isTrue();
        assertThat(VirtualService.fwmark(3, false).onePacket(true).build().onePacket()).isTrue();
        assertThatThrownBy(() -> VirtualService.tcp(VIP4, 80).onePacket(true).build())
            .hasMessageContaining("one-packet").hasMessageContaining("UDP");
    }

    @Test
    void shouldRejectOutOfRangePortsAndMissingFields()
    {
        assertThatThrownBy(() -> VirtualService.tcp(VIP4, 70000).build()).hasMessageContaining("'70000'");
        assertThatThrownBy(() -> VirtualService.builder().port(80).protocol(Protocol.TCP).build())
            .hasMessageContaining("vip");
        assertThatThrownBy(() -> Protocol.parse("protocol", "sctp")).hasMessageContaining("'sctp'");
    }

    @Test
    void shouldRoundTripThroughItsBuilder()
    {
        final VirtualService vs = VirtualService.udp(VIP6, 53).scheduler(SchedulerKind.SH)
            .schedulerFlags(EnumSet.of(SchedulerFlag.FLAG_2)).persistence(90).persistenceNetmask(56).onePacket(true)
            .build();
        assertThat(vs.toBuilder().build()).isEqualTo(vs);
    }
}
