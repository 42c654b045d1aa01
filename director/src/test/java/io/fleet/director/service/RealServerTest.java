package io.fleet.director.service;

import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RealServerTest
{
    private static final IpAddress RIP4 = IpAddress.parse("real-server", "10.1.0.5");
    private static final IpAddress RIP6 = IpAddress.parse("real-server", "fd00::5");

    @Test
    void shouldRejectWeightsOutsideIpvsadmsRange()
    {
        assertThatThrownBy(() -> RealServer.of(RIP4, 80, ForwardingMethod.DR, 70000, 0, 0))
            .isInstanceOf(InvalidServiceException.class)
            .hasMessage("weight: must be 0..65535 (got '70000')");
        assertThatThrownBy(() -> RealServer.of(RIP4, 80, ForwardingMethod.DR, -1, 0, 0)).hasMessageContaining("'-1'");
        assertThat(RealServer.of(RIP4, 80, ForwardingMethod.DR, 65535, 0, 0).weight()).isEqualTo(65535);
    }

    @Test
    void shouldRejectALowerThresholdAboveTheUpperOne()
    {
        // ip_vs_add_dest refuses l_threshold > u_threshold, even when u_threshold is 0.
        assertThatThrownBy(() -> RealServer.of(RIP4, 80, ForwardingMethod.DR, 1, 10, 20))
            .hasMessageContaining("l-threshold").hasMessageContaining("'20'");
        assertThatThrownBy(() -> RealServer.of(RIP4, 80, ForwardingMethod.DR, 1, 0, 5)).hasMessageContaining("-x");
    }

    @Test
    void shouldSetAndClearOverloadAsIpvsDoes()
    {
        // u=4, no l: set when total reaches 4; cleared only when total * 4 < 12, i.e. at 2.
        final RealServer rs = RealServer.of(RIP4, 80, ForwardingMethod.NAT, 1, 4, 0);
        for (int i = 0; i < 3; i++)
        {
            rs.connectionBound(false);
        }
        assertThat(rs.overloaded()).isFalse();
        rs.connectionBound(false);
        assertThat(rs.overloaded()).isTrue();
        assertThat(rs.available()).isFalse();
        rs.connectionUnbound(false);
        assertThat(rs.overloaded()).as("3 * 4 = 12 is not < 12").isTrue();
        rs.connectionActivity(true);
        assertThat(rs.activeConnections()).isEqualTo(1);
        assertThat(rs.overloaded()).as("activity changes do not touch the total").isTrue();
        rs.connectionUnbound(true);
        assertThat(rs.overloaded()).isFalse();
    }

    @Test
    void shouldClearOverloadBelowAnExplicitLowerThreshold()
    {
        final RealServer rs = RealServer.of(RIP4, 80, ForwardingMethod.NAT, 1, 4, 1);
        rs.counters(2, 2);
        assertThat(rs.overloaded()).isTrue();
        rs.connectionUnbound(true);
        rs.connectionUnbound(true);
        rs.connectionUnbound(false);
        assertThat(rs.overloaded()).as("total 1 is not < 1").isTrue();
        rs.connectionUnbound(false);
        assertThat(rs.overloaded()).isFalse();
    }

    @Test
    void shouldClearOverloadWhenTheUpperThresholdIsRaisedOrRemoved()
    {
        final RealServer rs = RealServer.of(RIP4, 80, ForwardingMethod.NAT, 1, 2, 0);
        rs.counters(2, 0);
        assertThat(rs.overloaded()).isTrue();
        rs.edit(null, 1, 3, 0);
        assertThat(rs.overloaded()).isFalse();
        rs.counters(3, 0);
        rs.edit(null, 1, 0, 0);
        assertThat(rs.overloaded()).isFalse();
    }

    @Test
    void quiescedServerShouldKeepItsConnectionsAndLastWeight()
    {
        final RealServer rs = RealServer.of(RIP4, 80, ForwardingMethod.DR, 5, 0, 0);
        rs.counters(7, 3);
        rs.edit(null, 0, 0, 0);
        assertThat(rs.available()).isFalse();
        assertThat(rs.activeConnections()).isEqualTo(7);
        assertThat(rs.lastWeight()).isEqualTo(5);
    }

    @Test
    void shouldAllowAnotherAddressFamilyOnlyWithTunnelling()
    {
        final VirtualService vs6 = VirtualService.tcp(IpAddress.parse("vip", "2001:db8::10"), 80).build();
        final Service service = Service.of(vs6, scheduler(vs6), List.of());
        assertThatThrownBy(() -> service.add(RealServer.of(RIP4, 80, ForwardingMethod.NAT, 1, 0, 0)))
            .isInstanceOf(InvalidServiceException.class)
            .hasMessageContaining("real-server")
            .hasMessageContaining("'10.1.0.5'")
            .hasMessageContaining("TUN");
        assertThat(service.add(RealServer.of(RIP4, 80, ForwardingMethod.TUN, 1, 0, 0)).method())
            .isEqualTo(ForwardingMethod.TUN);
        assertThat(service.add(RealServer.of(RIP6, 80, ForwardingMethod.NAT, 1, 0, 0)).address()).isEqualTo(RIP6);
    }

    @Test
    void shouldResolvePortsAsIpvsadmDoes()
    {
        final VirtualService vs = VirtualService.tcp(IpAddress.parse("vip", "192.0.2.10"), 80).build();
        final Service service = Service.of(vs, scheduler(vs), List.of());
        assertThat(service.add(RealServer.of(RIP4, 0)).port()).as("port defaults to the service's").isEqualTo(80);
        assertThat(service.add(RealServer.of(IpAddress.parse("rs", "10.1.0.6"), 8080, ForwardingMethod.NAT, 1, 0, 0)).port())
            .isEqualTo(8080);
        assertThatThrownBy(() -> service.add(RealServer.of(IpAddress.parse("rs", "10.1.0.7"), 8080)))
            .hasMessageContaining("real-server port").hasMessageContaining("'8080'").hasMessageContaining("DR");
        assertThatThrownBy(() -> service.add(RealServer.of(RIP4, 80, ForwardingMethod.NAT, 1, 0, 0)))
            .hasMessageContaining("already");
    }

    @Test
    void serviceShouldAddAtTheHeadLikeIpvsAndKeepTheSchedulerInStep()
    {
        final VirtualService vs = VirtualService.tcp(IpAddress.parse("vip", "192.0.2.10"), 80)
            .scheduler(SchedulerKind.RR).build();
        final Service service = Service.of(vs, scheduler(vs), List.of());
        final FlowKey flow = new FlowKey().ipv4(6, 1, 1000, vs.address().ipv4(), 80);
        final String[] names = {"10.1.0.1", "10.1.0.2", "10.1.0.3"};
        for (final String n : names)
        {
            service.add(RealServer.of(IpAddress.parse("rs", n), 80));
        }
        // ipvsadm -a A; -a B; -a C -> list C B A, and rr serves C, B, A.
        assertThat(service.realServers()).extracting(rs -> rs.address().toString())
            .containsExactly("10.1.0.3", "10.1.0.2", "10.1.0.1");
        assertThat(service.pick(flow, 0).address().toString()).isEqualTo("10.1.0.3");
        service.remove(IpAddress.parse("rs", "10.1.0.2"), 80);
        assertThat(service.pick(flow, 0).address().toString()).isEqualTo("10.1.0.1");
        service.edit(IpAddress.parse("rs", "10.1.0.3"), 80, null, 0, 0, 0);
        assertThat(service.pick(flow, 0).address().toString()).isEqualTo("10.1.0.1");
        assertThatThrownBy(() -> service.remove(IpAddress.parse("rs", "10.1.0.9"), 80))
            .hasMessageContaining("'10.1.0.9:80'").hasMessageContaining("no such real server");
    }

    private static Scheduler scheduler(final VirtualService vs)
    {
        return SchedulerFactory.create(vs, SchedulerOptions.DEFAULTS);
    }
}
