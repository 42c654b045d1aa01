package io.fleet.director.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleet.director.control.ControlException;
import io.fleet.director.control.RealServerSpec;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.VirtualService;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any body the API may receive parses to a valid value or is refused with a {@link ControlException} naming one of
 * the fields it was given (or {@code body}); nothing else escapes, so no write body can make the API answer 500.
 */
class JsonCodecPropertiesTest
{
    private static final List<String> SERVICE_FIELDS = List.of("protocol", "vip", "port", "fwmark", "ipv6", "scheduler",
        "flags", "persistent", "netmask", "onePacket", "colour");
    private static final List<String> SERVER_FIELDS = List.of("address", "port", "method", "weight", "upperThreshold",
        "lowerThreshold", "colour");

    @Provide
    Arbitrary<Map<String, Object>> serviceBodies()
    {
        return Arbitraries.maps(Arbitraries.of(SERVICE_FIELDS), values()).ofMaxSize(8);
    }

    @Provide
    Arbitrary<Map<String, Object>> serverBodies()
    {
        return Arbitraries.maps(Arbitraries.of(SERVER_FIELDS), values()).ofMaxSize(6);
    }

    private static Arbitrary<Object> values()
    {
        return Arbitraries.oneOf(
            Arbitraries.of("tcp", "udp", "sctp", "192.0.2.1", "2001:db8::1", "256.1.1.1", "", "rr", "sh", "bogus", "nat",
                "dr", "tun", "fullnat", "sh-port", "flag-1", "255.255.255.0", "24", "1.2.3"),
            Arbitraries.integers().between(-2, 70_000).map(i -> (Object)i),
            Arbitraries.longs().map(l -> (Object)l),
            Arbitraries.of(true, false).map(b -> (Object)b),
            Arbitraries.of(List.of("sh-port"), List.of(1, 2), List.of()).map(l -> (Object)l),
            Arbitraries.just((Object)1.5));
    }

    /** The field at fault is one the body gave, or a required one it left out. */
    private static void namesAGivenOrMissingField(final Map<String, Object> body, final ControlException ex)
    {
        if (!body.containsKey(ex.field()))
        {
            assertThat(ex.getMessage()).as("field %s not in %s", ex.field(), body).contains("required");
        }
    }

    @Property(tries = 2000)
    void serviceBodiesParseOrNameAGivenField(@ForAll("serviceBodies") final Map<String, Object> body)
    {
        final JsonNode json = JsonCodec.MAPPER.valueToTree(body);
        try
        {
            final VirtualService vs = JsonCodec.service(json, null);
            assertThat(vs).isNotNull();
        }
        catch (final ControlException ex)
        {
            namesAGivenOrMissingField(body, ex);
        }
        final VirtualService existing = VirtualService.tcp(IpAddress.parse("v", "192.0.2.9"), 80).build();
        try
        {
            assertThat(JsonCodec.service(json, existing)).isNotNull();
        }
        catch (final ControlException ex)
        {
            namesAGivenOrMissingField(body, ex);
        }
    }

    @Property(tries = 2000)
    void realServerBodiesParseOrNameAGivenField(@ForAll("serverBodies") final Map<String, Object> body)
    {
        final ObjectNode json = JsonCodec.MAPPER.valueToTree(body);
        try
        {
            final RealServerSpec spec = JsonCodec.realServer(json, null);
            assertThat(spec.weight()).isBetween(0, 65535);
            assertThat(spec.lowerThreshold()).isLessThanOrEqualTo(spec.upperThreshold());
        }
        catch (final ControlException ex)
        {
            namesAGivenOrMissingField(body, ex);
        }
        try
        {
            JsonCodec.realServer(json, new RealServerSpec(IpAddress.parse("r", "192.0.2.11"), 80, ForwardingMethod.NAT, 1, 0, 0));
        }
        catch (final ControlException ex)
        {
            namesAGivenOrMissingField(body, ex);
        }
    }
}
