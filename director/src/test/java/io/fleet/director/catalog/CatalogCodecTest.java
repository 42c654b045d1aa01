package io.fleet.director.catalog;

import io.fleet.director.control.RealServerSpec;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.ServiceSpec;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.director.service.SchedulerFlag;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.VirtualService;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog's records: every valid setting survives encode and decode, bytes are deterministic, bad bytes are refused. */
class CatalogCodecTest
{
    @Provide
    Arbitrary<VirtualService> services()
    {
        final Arbitrary<IpAddress> v4 = Arbitraries.integers().map(IpAddress::ofIpv4);
        final Arbitrary<IpAddress> v6 = Arbitraries.integers().array(int[].class).ofSize(4)
            .map(w -> IpAddress.ofIpv6(w[0] | 0x2000_0000, w[1], w[2], w[3]));
        return Combinators.combine(
            Arbitraries.of(Protocol.class), Arbitraries.oneOf(v4, v6), Arbitraries.integers().between(0, 65535),
            Arbitraries.of(SchedulerKind.class), Arbitraries.integers().between(0, 86_400), Arbitraries.integers().between(0, 31),
            Arbitraries.of(true, false))
            .as((protocol, address, port, kind, persistence, netmask, onePacket) ->
            {
                final VirtualService.Builder b = VirtualService.builder().protocol(protocol).address(address)
                    .port(persistence > 0 ? port : Math.max(1, port))
                    .scheduler(kind).onePacket(protocol == Protocol.UDP && onePacket);
                if (kind == SchedulerKind.SH || kind == SchedulerKind.MH)
                {
                    b.schedulerFlags(EnumSet.of(SchedulerFlag.FLAG_1));
                }
                if (persistence > 0)
                {
                    b.persistence(persistence).persistenceNetmask(address.isIpv6() ? 128 - netmask : 32 - netmask);
                }
                return b.build();
            });
    }

    @Provide
    Arbitrary<RealServerSpec> servers()
    {
        return Combinators.combine(
            Arbitraries.integers().map(IpAddress::ofIpv4), Arbitraries.integers().between(0, 65535),
            Arbitraries.of(ForwardingMethod.class), Arbitraries.integers().between(0, 65535),
            Arbitraries.integers().between(0, 100_000), Arbitraries.integers().between(0, 100_000))
            .as((a, port, method, weight, u, l) -> new RealServerSpec(a, port, method, weight, Math.max(u, l), Math.min(u, l)));
    }

    @Property(tries = 300)
    void aServiceShouldSurviveTheRoundTrip(@ForAll("services") final VirtualService vs, @ForAll final long rank)
    {
        final byte[] bytes = CatalogCodec.encodeService(vs, rank);
        final CatalogCodec.RankedService back = CatalogCodec.decodeService(bytes);
        assertThat(back.service()).isEqualTo(vs);
        assertThat(back.rank()).isEqualTo(rank);
        assertThat(CatalogCodec.encodeService(back.service(), rank)).as("deterministic").isEqualTo(bytes);
    }

    @Property(tries = 300)
    void aRealServerShouldSurviveTheRoundTrip(@ForAll("servers") final RealServerSpec rs, @ForAll final long rank)
    {
        final byte[] bytes = CatalogCodec.encodeServer(rs, rank);
        final CatalogCodec.RankedServer back = CatalogCodec.decodeServer(bytes);
        assertThat(back.server()).isEqualTo(rs);
        assertThat(back.rank()).isEqualTo(rank);
        assertThat(CatalogCodec.encodeServer(back.server(), rank)).isEqualTo(bytes);
    }

    @Property(tries = 100)
    void aSeededCatalogShouldDecodeToTheFilesServicesInOrder(
        @ForAll("services") final VirtualService a, @ForAll("services") final VirtualService b,
        @ForAll("servers") final RealServerSpec r1, @ForAll("servers") final RealServerSpec r2)
    {
        net.jqwik.api.Assume.that(!ServiceId.of(a).equals(ServiceId.of(b)) && !r1.address().equals(r2.address()));
        final List<ServiceSpec> file = List.of(
            new ServiceSpec(a, List.of(fit(a, r1), fit(a, r2))), new ServiceSpec(b, List.of(fit(b, r2))));
        final Map<String, Map<String, byte[]>> view = apply(new TreeMap<>(), CatalogEdits.diff(List.of(), file, Map.of(), new ArrayList<>()));
        final List<String> problems = new ArrayList<>();
        assertThat(CatalogCodec.decode(view, problems)).isEqualTo(resolved(file));
        assertThat(problems).isEmpty();
    }

    @Test
    void aRecordOfAnotherVersionOrTruncatedShouldBeRefusedWithAReason()
    {
        final VirtualService vs = VirtualService.tcp(IpAddress.parse("vip", "192.0.2.1"), 80).build();
        final byte[] bytes = CatalogCodec.encodeService(vs, 0);
        bytes[0] = 2;
        assertThatThrownBy(() -> CatalogCodec.decodeService(bytes)).hasMessageContaining("format version 2");
        final byte[] good = CatalogCodec.encodeService(vs, 0);
        assertThatThrownBy(() -> CatalogCodec.decodeService(java.util.Arrays.copyOf(good, 12)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a service record");
        final Map<String, Map<String, byte[]>> view = Map.of("svc/tcp:192.0.2.1:80", Map.of("service", new byte[] {1, 2}));
        final List<String> problems = new ArrayList<>();
        assertThat(CatalogCodec.decode(view, problems)).isEmpty();
        assertThat(problems).singleElement().asString().startsWith("svc/tcp:192.0.2.1:80 service:");
    }

    /** DR and TUN keep the service's port; a port-less service keeps whatever the server says. */
    static RealServerSpec fit(final VirtualService vs, final RealServerSpec rs)
    {
        final IpAddress a = vs.isIpv6() ? IpAddress.ofIpv6(0x2001_0db8, 0, 0, rs.address().ipv4()) : rs.address();
        final int port = rs.method() == ForwardingMethod.DR || rs.method() == ForwardingMethod.TUN ? 0 : rs.port();
        return new RealServerSpec(a, port, rs.method(), rs.weight(), rs.upperThreshold(), rs.lowerThreshold());
    }

    static List<ServiceSpec> resolved(final List<ServiceSpec> list)
    {
        final List<ServiceSpec> out = new ArrayList<>();
        for (final ServiceSpec s : list)
        {
            out.add(CatalogEdits.resolvedSpec(s));
        }
        return out;
    }

    /** What the catalog does with edits (without replication): set or remove fields. */
    static Map<String, Map<String, byte[]>> apply(final Map<String, Map<String, byte[]>> view, final List<CatalogEdit> edits)
    {
        for (final CatalogEdit e : edits)
        {
            final Map<String, byte[]> fields = view.computeIfAbsent(e.key(), k -> new TreeMap<>());
            if (e.removal())
            {
                fields.remove(e.field());
                if (fields.isEmpty())
                {
                    view.remove(e.key());
                }
            }
            else
            {
                final String refusal = new CatalogRules().validate(e.key(), e.field(), e.value(), view);
                assertThat(refusal).as(e.toString()).isNull();
                fields.put(e.field(), e.value());
            }
        }
        return view;
    }
}
