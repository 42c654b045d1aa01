package io.fleet.director.catalog;

import io.fleet.director.control.ControlException;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.RealServerSpec;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.ServiceSpec;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.VirtualService;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.fleet.director.catalog.CatalogCodecTest.apply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Commands and reloads as catalog edits: a reload applies what the file changed and keeps what the API changed. */
class CatalogEditsTest
{
    static final IpAddress VIP = IpAddress.parse("vip", "192.0.2.1");
    static final VirtualService WEB = VirtualService.tcp(VIP, 80).scheduler(SchedulerKind.WRR).build();
    static final VirtualService DNS = VirtualService.udp(VIP, 53).scheduler(SchedulerKind.RR).build();

    static RealServerSpec rs(final String address, final int weight)
    {
        return new RealServerSpec(IpAddress.parse("rs", address), 0, ForwardingMethod.DR, weight, 0, 0);
    }

    static Map<String, Map<String, byte[]>> seeded(final List<ServiceSpec> file)
    {
        return apply(new TreeMap<>(), CatalogEdits.diff(List.of(), file, Map.of(), new ArrayList<>()));
    }

    static List<ServiceSpec> decode(final Map<String, Map<String, byte[]>> view)
    {
        return CatalogCodec.decode(view, new ArrayList<>());
    }

    static int weight(final Map<String, Map<String, byte[]>> view, final VirtualService vs, final String address)
    {
        for (final ServiceSpec s : decode(view))
        {
            if (s.service().key().equals(vs.key()))
            {
                for (final RealServerSpec r : s.realServers())
                {
                    if (r.address().toString().equals(address))
                    {
                        return r.weight();
                    }
                }
            }
        }
        return -1;
    }

    @Test
    void aReloadShouldApplyWhatTheFileChangedAndKeepWhatTheApiChanged()
    {
        final List<ServiceSpec> before = List.of(new ServiceSpec(WEB, List.of(rs("192.0.2.11", 1), rs("192.0.2.12", 1))));
        final Map<String, Map<String, byte[]>> view = seeded(before);
        apply(view, CatalogEdits.editRealServer(view, ServiceId.of(WEB), rs("192.0.2.11", 5)));
        apply(view, CatalogEdits.addService(view, DNS));

        final List<ServiceSpec> after = List.of(new ServiceSpec(WEB, List.of(rs("192.0.2.11", 1), rs("192.0.2.12", 3), rs("192.0.2.13", 2))));
        final List<String> changes = new ArrayList<>();
        apply(view, CatalogEdits.diff(before, after, view, changes));

        assertThat(weight(view, WEB, "192.0.2.11")).as("the API's weight stays: the file did not change it").isEqualTo(5);
        assertThat(weight(view, WEB, "192.0.2.12")).isEqualTo(3);
        assertThat(weight(view, WEB, "192.0.2.13")).isEqualTo(2);
        assertThat(decode(view)).extracting(ServiceSpec::id).containsExactly(ServiceId.of(WEB), ServiceId.of(DNS));
        assertThat(decode(view).get(0).realServers()).extracting(r -> r.address().toString())
            .as("the new server placed after its predecessor in the file").containsExactly("192.0.2.11", "192.0.2.12", "192.0.2.13");
        assertThat(changes).containsExactly("~real-server tcp:192.0.2.1:80 192.0.2.12:80 weight 1->3",
            "+real-server tcp:192.0.2.1:80 192.0.2.13:80");
    }

    @Test
    void aServiceTheFileDropsShouldGoAndOneItChangedAfterAnApiDeleteShouldComeBack()
    {
        final List<ServiceSpec> before = List.of(new ServiceSpec(WEB, List.of(rs("192.0.2.11", 1))),
            new ServiceSpec(DNS, List.of(rs("192.0.2.21", 1))));
        final Map<String, Map<String, byte[]>> view = seeded(before);
        apply(view, CatalogEdits.deleteService(view, ServiceId.of(WEB)));

        final VirtualService web2 = WEB.toBuilder().scheduler(SchedulerKind.WLC).build();
        final List<ServiceSpec> after = List.of(new ServiceSpec(web2, List.of(rs("192.0.2.11", 2))));
        final List<String> changes = new ArrayList<>();
        apply(view, CatalogEdits.diff(before, after, view, changes));

        assertThat(decode(view)).containsExactly(CatalogEdits.resolvedSpec(after.get(0)));
        assertThat(changes).hasSize(2).anyMatch(c -> c.startsWith("+service tcp:192.0.2.1:80")).contains("-service udp:192.0.2.1:53");
    }

    @Test
    void anUnchangedFileShouldMakeNoEdits()
    {
        final List<ServiceSpec> file = List.of(new ServiceSpec(WEB, List.of(rs("192.0.2.11", 1))));
        final Map<String, Map<String, byte[]>> view = seeded(file);
        apply(view, CatalogEdits.deleteRealServer(view, ServiceId.of(WEB), new Endpoint(IpAddress.parse("rs", "192.0.2.11"), 0)));
        assertThat(CatalogEdits.diff(file, file, view, new ArrayList<>())).isEmpty();
    }

    @Test
    void commandsShouldBeRefusedWithTheFieldAtFault()
    {
        final Map<String, Map<String, byte[]>> view = seeded(List.of(new ServiceSpec(WEB, List.of(rs("192.0.2.11", 1)))));
        assertThatThrownBy(() -> CatalogEdits.addService(view, WEB)).isInstanceOf(ControlException.class)
            .hasMessageContaining("exists already");
        assertThatThrownBy(() -> CatalogEdits.addRealServer(view, ServiceId.of(WEB), rs("192.0.2.11", 3)))
            .isInstanceOf(ControlException.class).hasMessageStartingWith("real-server:");
        assertThatThrownBy(() -> CatalogEdits.addRealServer(view, ServiceId.of(DNS), rs("192.0.2.11", 3)))
            .isInstanceOf(ControlException.class).matches(e -> ((ControlException)e).notFound());
        assertThatThrownBy(() -> CatalogEdits.editRealServer(view, ServiceId.of(WEB), rs("192.0.2.99", 3)))
            .matches(e -> ((ControlException)e).notFound());
        // The validator refuses what the codec could carry but the service cannot hold: IPv6 DR server of an IPv4 service.
        final List<CatalogEdit> v6 = CatalogEdits.addRealServer(view, ServiceId.of(WEB),
            new RealServerSpec(IpAddress.parse("rs", "2001:db8::11"), 0, ForwardingMethod.DR, 1, 0, 0));
        assertThat(new CatalogRules().validate(v6.get(0).key(), v6.get(0).field(), v6.get(0).value(), view))
            .contains("IPv6 but the service is IPv4");
        assertThat(new CatalogRules().validate("svc/tcp:192.0.2.1:81", "rs/192.0.2.11:81",
            CatalogCodec.encodeServer(rs("192.0.2.11", 1), 0), view)).contains("no such service");
    }

    @Test
    void anApiAddShouldGoToTheHeadOfTheScanOrderAsIpvsAdds()
    {
        final Map<String, Map<String, byte[]>> view = seeded(List.of(new ServiceSpec(WEB, List.of(rs("192.0.2.11", 1), rs("192.0.2.12", 1)))));
        apply(view, CatalogEdits.addRealServer(view, ServiceId.of(WEB), rs("192.0.2.13", 1)));
        assertThat(decode(view).get(0).realServers()).extracting(r -> r.address().toString())
            .containsExactly("192.0.2.13", "192.0.2.11", "192.0.2.12");
        apply(view, CatalogEdits.clear(view));
        assertThat(decode(view)).isEmpty();
    }
}
