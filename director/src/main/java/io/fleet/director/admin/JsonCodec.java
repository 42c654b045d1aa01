package io.fleet.director.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleet.director.control.ClusterStatus;
import io.fleet.director.control.ConnectionEntry;
import io.fleet.director.control.ControlException;
import io.fleet.director.control.HealthStatus;
import io.fleet.director.control.Page;
import io.fleet.director.control.PortStatus;
import io.fleet.director.control.RealServerSpec;
import io.fleet.director.control.RealServerStatus;
import io.fleet.director.control.ReloadResult;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.ServiceStatus;
import io.fleet.director.control.SyncStatus;
import io.fleet.director.control.TimeoutSettings;
import io.fleet.director.control.Traffic;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.InvalidServiceException;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.SchedulerFlag;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.VirtualService;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The admin API's JSON: what each value looks like on the wire, and the strict parsing of write bodies. A body
 * with an unknown field, a wrong type or a value the service model refuses is a {@link ControlException} naming
 * the JSON field; nothing is applied. docs/admin-api.md shows every shape.
 */
public final class JsonCodec
{
    public static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private static final Set<String> SERVICE_FIELDS =
        Set.of("protocol", "vip", "port", "fwmark", "ipv6", "scheduler", "flags", "persistent", "netmask", "onePacket");
    private static final Set<String> REAL_SERVER_FIELDS =
        Set.of("address", "port", "method", "weight", "upperThreshold", "lowerThreshold");
    private static final Set<String> TIMEOUT_FIELDS = Set.of("tcp", "tcpFin", "udp");
    /** The service model's field names (ipvsadm's words) as this API spells them. */
    private static final Map<String, String> MODEL_TO_JSON = Map.of(
        "u-threshold", "upperThreshold",
        "l-threshold", "lowerThreshold",
        "one-packet", "onePacket",
        "real-server", "address",
        "real-server port", "port");

    private JsonCodec()
    {
    }

    // ------------------------------------------------------------------------------------------------ parsing

    /** Parses a request body; an empty body is an empty object. */
    public static JsonNode parse(final String body)
    {
        if (body == null || body.isBlank())
        {
            return MAPPER.createObjectNode();
        }
        try
        {
            return MAPPER.readTree(body);
        }
        catch (final JsonProcessingException ex)
        {
            throw new ControlException("body", "not valid JSON: " + ex.getOriginalMessage());
        }
    }

    /**
     * A virtual service from a body. With {@code current} (an edit), fields left out keep their value and the
     * identity (protocol, VIP, port, mark) cannot change.
     */
    public static VirtualService service(final JsonNode body, final VirtualService current)
    {
        requireObject(body, SERVICE_FIELDS);
        final VirtualService.Builder b = current == null ? VirtualService.builder() : current.toBuilder();
        try
        {
            if (current == null)
            {
                if (body.has("fwmark"))
                {
                    b.fwmark(longField(body, "fwmark", 1, 0xFFFF_FFFFL));
                    if (body.has("protocol") || body.has("vip") || body.has("port"))
                    {
                        throw new ControlException("fwmark", "a firewall-mark service has no protocol, vip or port");
                    }
                }
                else
                {
                    b.protocol(Protocol.parse("protocol", textField(body, "protocol", true)));
                    b.address(address(body, "vip", true));
                    b.port(intField(body, "port", 0, 65535));
                }
                if (body.has("ipv6"))
                {
                    b.ipv6(boolField(body, "ipv6"));
                }
            }
            else
            {
                for (final String identity : List.of("protocol", "vip", "port", "fwmark", "ipv6"))
                {
                    if (body.has(identity))
                    {
                        throw new ControlException(identity,
                            "a service's identity cannot change; delete it and add a new one");
                    }
                }
            }
            SchedulerKind scheduler = current == null ? SchedulerKind.DEFAULT : current.scheduler();
            if (body.has("scheduler"))
            {
                scheduler = SchedulerKind.parse("scheduler", textField(body, "scheduler", true));
                b.scheduler(scheduler);
            }
            if (body.has("flags"))
            {
                b.schedulerFlags(SchedulerFlag.parse("flags", flagList(body.get("flags")), scheduler));
            }
            if (body.has("persistent"))
            {
                final int timeoutS = intField(body, "persistent", 0, VirtualService.MAX_PERSISTENCE_TIMEOUT_S);
                b.persistence(timeoutS);
                if (timeoutS == 0 && !body.has("netmask"))
                {
                    b.persistenceNetmask(-1);
                }
            }
            if (body.has("netmask"))
            {
                final JsonNode n = body.get("netmask");
                if (n.isTextual())
                {
                    b.persistenceNetmask(VirtualService.Builder.netmask(n.asText()));
                }
                else
                {
                    b.persistenceNetmask(intField(body, "netmask", 1, 128));
                }
            }
            if (body.has("onePacket"))
            {
                b.onePacket(boolField(body, "onePacket"));
            }
            return b.build();
        }
        catch (final InvalidServiceException ex)
        {
            throw fromModel(ex);
        }
    }

    /** A real server from a body; with {@code current} (an edit) left-out fields keep their value. */
    public static RealServerSpec realServer(final JsonNode body, final RealServerSpec current)
    {
        requireObject(body, REAL_SERVER_FIELDS);
        final IpAddress address;
        final int port;
        if (current == null)
        {
            address = address(body, "address", true);
            port = body.has("port") ? intField(body, "port", 0, 65535) : 0;
        }
        else
        {
            for (final String identity : List.of("address", "port"))
            {
                if (body.has(identity))
                {
                    throw new ControlException(identity, "a real server's address and port cannot change; delete it and add one");
                }
            }
            address = current.address();
            port = current.port();
        }
        try
        {
            final ForwardingMethod method = body.has("method")
                ? ForwardingMethod.parse("method", textField(body, "method", true))
                : current == null ? ForwardingMethod.DR : current.method();
            final int weight = body.has("weight") ? intField(body, "weight", 0, RealServer.MAX_WEIGHT)
                : current == null ? RealServer.DEFAULT_WEIGHT : current.weight();
            final int upper = body.has("upperThreshold") ? intField(body, "upperThreshold", 0, Integer.MAX_VALUE)
                : current == null ? 0 : current.upperThreshold();
            final int lower = body.has("lowerThreshold") ? intField(body, "lowerThreshold", 0, Integer.MAX_VALUE)
                : current == null ? 0 : current.lowerThreshold();
            RealServer.of(address, port, method, weight, upper, lower);
            return new RealServerSpec(address, port, method, weight, upper, lower);
        }
        catch (final InvalidServiceException ex)
        {
            throw fromModel(ex);
        }
    }

    /** {@code {"tcp": S, "tcpFin": S, "udp": S}}; a field left out (or 0) leaves that timeout as it is. */
    public static TimeoutSettings timeouts(final JsonNode body)
    {
        requireObject(body, TIMEOUT_FIELDS);
        final long max = 86_400L * 31;
        return new TimeoutSettings(
            body.has("tcp") ? intField(body, "tcp", 0, (int)max) : 0,
            body.has("tcpFin") ? intField(body, "tcpFin", 0, (int)max) : 0,
            body.has("udp") ? intField(body, "udp", 0, (int)max) : 0);
    }

    /** A {@code ControlException} for a model refusal, with the field renamed to this API's spelling. */
    public static ControlException fromModel(final InvalidServiceException ex)
    {
        final String field = MODEL_TO_JSON.getOrDefault(ex.field(), ex.field());
        final String message = ex.getMessage();
        final String prefix = ex.field() + ": ";
        return new ControlException(field, message.startsWith(prefix) ? message.substring(prefix.length()) : message);
    }

    private static void requireObject(final JsonNode body, final Set<String> allowed)
    {
        if (!body.isObject())
        {
            throw new ControlException("body", "must be a JSON object");
        }
        for (final Iterator<String> it = body.fieldNames(); it.hasNext(); )
        {
            final String name = it.next();
            if (!allowed.contains(name))
            {
                throw new ControlException(name, "unknown field; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private static String textField(final JsonNode body, final String field, final boolean required)
    {
        final JsonNode n = body.get(field);
        if (n == null || n.isNull())
        {
            if (required)
            {
                throw new ControlException(field, "is required");
            }
            return null;
        }
        if (!n.isTextual())
        {
            throw new ControlException(field, "must be a string");
        }
        return n.asText();
    }

    private static IpAddress address(final JsonNode body, final String field, final boolean required)
    {
        final String text = textField(body, field, required);
        try
        {
            return IpAddress.parse(field, text);
        }
        catch (final InvalidServiceException ex)
        {
            throw fromModel(ex);
        }
    }

    private static int intField(final JsonNode body, final String field, final int min, final int max)
    {
        return (int)longField(body, field, min, max);
    }

    private static long longField(final JsonNode body, final String field, final long min, final long max)
    {
        final JsonNode n = body.get(field);
        if (n == null || n.isNull())
        {
            throw new ControlException(field, "is required");
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong())
        {
            throw new ControlException(field, "must be a whole number " + min + ".." + max + " (got " + n + ")");
        }
        final long v = n.asLong();
        if (v < min || v > max)
        {
            throw new ControlException(field, "must be " + min + ".." + max + " (got " + v + ")");
        }
        return v;
    }

    private static boolean boolField(final JsonNode body, final String field)
    {
        final JsonNode n = body.get(field);
        if (!n.isBoolean())
        {
            throw new ControlException(field, "must be true or false (got " + n + ")");
        }
        return n.asBoolean();
    }

    private static String flagList(final JsonNode n)
    {
        if (n.isTextual())
        {
            return n.asText();
        }
        if (!n.isArray())
        {
            throw new ControlException("flags", "must be an array of flag names such as [\"sh-port\"]");
        }
        final StringBuilder sb = new StringBuilder();
        for (final JsonNode f : n)
        {
            if (!f.isTextual())
            {
                throw new ControlException("flags", "must be an array of flag names (got " + f + ")");
            }
            sb.append(sb.length() == 0 ? "" : ",").append(f.asText());
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------ writing

    public static ObjectNode service(final ServiceStatus s)
    {
        final VirtualService vs = s.service();
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("id", ServiceId.of(vs).toString());
        if (vs.isFwmark())
        {
            o.put("fwmark", vs.fwmark());
        }
        else
        {
            o.put("protocol", vs.protocol().name().toLowerCase(Locale.ROOT));
            o.put("vip", vs.address().toString());
            o.put("port", vs.port());
        }
        o.put("ipv6", vs.isIpv6());
        o.put("scheduler", vs.scheduler().ipvsName());
        final ArrayNode flags = o.putArray("flags");
        for (final SchedulerFlag f : vs.schedulerFlags())
        {
            flags.add(f.displayName(vs.scheduler()));
        }
        o.put("persistent", vs.persistenceTimeoutS());
        o.put("netmask", vs.persistenceNetmask());
        o.put("onePacket", vs.onePacket());
        o.set("traffic", traffic(s.traffic()));
        final ArrayNode rs = o.putArray("realServers");
        for (final RealServerStatus r : s.realServers())
        {
            rs.add(realServer(r));
        }
        return o;
    }

    public static ObjectNode realServer(final RealServerStatus r)
    {
        final RealServerSpec spec = r.spec();
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("address", spec.address().toString());
        o.put("port", spec.port());
        o.put("method", spec.method().name().toLowerCase(Locale.ROOT));
        o.put("weight", spec.weight());
        o.put("upperThreshold", spec.upperThreshold());
        o.put("lowerThreshold", spec.lowerThreshold());
        o.put("effectiveWeight", r.effectiveWeight());
        o.put("health", r.health());
        o.put("activeConnections", r.activeConnections());
        o.put("inactiveConnections", r.inactiveConnections());
        o.put("persistentConnections", r.persistentConnections());
        o.set("traffic", traffic(r.traffic()));
        return o;
    }

    public static ObjectNode traffic(final Traffic t)
    {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("connections", t.connections());
        o.put("packetsIn", t.packetsIn());
        o.put("packetsOut", t.packetsOut());
        o.put("bytesIn", t.bytesIn());
        o.put("bytesOut", t.bytesOut());
        o.put("connectionsPerSecond", t.connectionsPerSecond());
        o.put("packetsInPerSecond", t.packetsInPerSecond());
        o.put("packetsOutPerSecond", t.packetsOutPerSecond());
        o.put("bytesInPerSecond", t.bytesInPerSecond());
        o.put("bytesOutPerSecond", t.bytesOutPerSecond());
        return o;
    }

    public static ObjectNode connections(final Page<ConnectionEntry> page)
    {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("total", page.total());
        o.put("offset", page.offset());
        final ArrayNode items = o.putArray("items");
        for (final ConnectionEntry e : page.items())
        {
            final ObjectNode c = items.addObject();
            c.put("protocol", e.protocol().name().toLowerCase(Locale.ROOT));
            c.put("expiresInMs", e.expiresInMs());
            c.put("state", e.state());
            c.put("client", e.client().toString());
            c.put("clientPort", e.clientPort());
            c.put("vip", e.vip().toString());
            c.put("vport", e.vport());
            c.put("realServer", e.realServer().toString());
            c.put("realPort", e.realPort());
            c.put("method", e.method().name().toLowerCase(Locale.ROOT));
            c.put("template", e.template());
        }
        return o;
    }

    public static ObjectNode cluster(final ClusterStatus c, final List<IpAddress> heldVips)
    {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("self", c.self());
        final ArrayNode members = o.putArray("members");
        for (final ClusterStatus.Member m : c.members())
        {
            final ObjectNode n = members.addObject();
            n.put("address", m.address());
            n.put("status", m.status());
            n.put("reachable", m.reachable());
            final ArrayNode roles = n.putArray("roles");
            m.roles().forEach(roles::add);
        }
        final ArrayNode groups = o.putArray("vipGroups");
        for (final ClusterStatus.VipGroupStatus g : c.vipGroups())
        {
            final ObjectNode n = groups.addObject();
            n.put("group", g.group());
            final ArrayNode addresses = n.putArray("addresses");
            g.addresses().forEach(addresses::add);
            n.put("holder", g.holder());
            n.put("role", g.role());
        }
        final ArrayNode held = o.putArray("heldVips");
        heldVips.forEach(a -> held.add(a.toString()));
        o.put("electionTransitions", c.electionTransitions());
        return o;
    }

    public static ArrayNode health(final List<HealthStatus> list)
    {
        final ArrayNode a = MAPPER.createArrayNode();
        for (final HealthStatus h : list)
        {
            final ObjectNode o = a.addObject();
            o.put("service", h.service().toString());
            o.put("realServer", h.realServer().toString());
            o.put("checker", h.checker());
            o.put("localUp", h.localUp());
            final ObjectNode votes = o.putObject("votes");
            new java.util.TreeMap<>(h.votes()).forEach(votes::put);
            o.put("quorum", h.quorum());
            o.put("verdict", h.verdict());
            o.put("lastChangeEpochMs", h.lastChangeEpochMs());
        }
        return a;
    }

    public static ArrayNode ports(final List<PortStatus> list)
    {
        final ArrayNode a = MAPPER.createArrayNode();
        for (final PortStatus p : list)
        {
            final ObjectNode o = a.addObject();
            o.put("name", p.name());
            o.put("kind", p.kind());
            o.put("framesIn", p.framesIn());
            o.put("framesOut", p.framesOut());
            final ObjectNode drops = o.putObject("drops");
            new java.util.TreeMap<>(p.drops()).forEach(drops::put);
        }
        return a;
    }

    public static ObjectNode sync(final SyncStatus s)
    {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("backlog", s.backlog());
        o.put("recordsSent", s.recordsSent());
        o.put("recordsReceived", s.recordsReceived());
        o.put("lagP50Ms", s.lagP50Ms());
        o.put("lagP99Ms", s.lagP99Ms());
        return o;
    }

    public static ObjectNode timeouts(final TimeoutSettings t)
    {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("tcp", t.tcpS());
        o.put("tcpFin", t.tcpFinS());
        o.put("udp", t.udpS());
        return o;
    }

    public static ObjectNode reload(final ReloadResult r)
    {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("applied", r.applied());
        final ArrayNode changes = o.putArray("changes");
        r.changes().forEach(changes::add);
        final ArrayNode problems = o.putArray("problems");
        r.problems().forEach(problems::add);
        return o;
    }

    public static ObjectNode error(final String field, final String error)
    {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("field", field);
        o.put("error", error);
        return o;
    }
}
