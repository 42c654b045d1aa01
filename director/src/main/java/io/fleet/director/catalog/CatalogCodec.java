package io.fleet.director.catalog;

import io.fleet.director.control.Endpoint;
import io.fleet.director.control.RealServerSpec;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.ServiceSpec;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.director.service.InvalidServiceException;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.Protocol;
import io.fleet.director.service.SchedulerFlag;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.VirtualService;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How services and real servers live in the replicated {@code ServiceCatalog}: one catalog entry per virtual
 * service, keyed {@code svc/tcp:192.0.2.1:80}; its field {@code service} holds the service's settings and one
 * field per real server, {@code rs/192.0.2.11:80} (port resolved), holds that server's. Being separate fields,
 * concurrent edits of two real servers of one service never overwrite each other (the catalog is last writer wins
 * per field). The entry {@code meta} field {@code seeded} records that the catalog was seeded once.
 *
 * <p>Values are small big-endian records starting with a format version (1), enums by their stable names (never
 * ordinals), so the bytes of one setting are always the same (deterministic) and a later version can add fields.
 * Each carries a {@code rank}: services and real servers are listed by ascending rank (the scan order), which is
 * how the order survives in a map of fields.
 *
 * <pre>
 * service v1: u8 version=1 | i64 rank | utf protocol | u8 addrLen | addr bytes | u16 port | utf scheduler
 *             | u8 flags bitset | i32 persistenceTimeoutS (0 = not persistent) | u8 netmask | u8 onePacket
 * server  v1: u8 version=1 | i64 rank | u8 addrLen | addr bytes | u16 port | utf method | i32 weight
 *             | i32 upperThreshold | i32 lowerThreshold
 * </pre>
 */
public final class CatalogCodec
{
    public static final int VERSION = 1;
    public static final String SERVICE_PREFIX = "svc/";
    public static final String SERVICE_FIELD = "service";
    public static final String SERVER_PREFIX = "rs/";
    public static final String META_KEY = "meta";
    public static final String SEEDED_FIELD = "seeded";
    /** Gap between ranks given in order, so that a server can later be placed between two others. */
    public static final long RANK_STEP = 1L << 20;

    private CatalogCodec()
    {
    }

    /** A decoded service setting with its rank. */
    public record RankedService(VirtualService service, long rank)
    {
    }

    /** A decoded real server with its rank. */
    public record RankedServer(RealServerSpec server, long rank)
    {
    }

    public static String entryKey(final ServiceId id)
    {
        return SERVICE_PREFIX + id;
    }

    public static String serverField(final Endpoint endpoint)
    {
        return SERVER_PREFIX + endpoint;
    }

    /** The real server with port 0 replaced by the service's port: how it is stored and compared. */
    public static RealServerSpec resolved(final ServiceId id, final RealServerSpec rs)
    {
        return rs.port() != 0 ? rs
            : new RealServerSpec(rs.address(), id.port(), rs.method(), rs.weight(), rs.upperThreshold(), rs.lowerThreshold());
    }

    public static byte[] encodeService(final VirtualService vs, final long rank)
    {
        if (vs.isFwmark() || vs.address() == null)
        {
            throw new IllegalArgumentException("firewall-mark services have no place in the catalog: " + vs.key());
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(48);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeByte(VERSION);
            out.writeLong(rank);
            out.writeUTF(vs.protocol().name().toLowerCase(Locale.ROOT));
            writeAddress(out, vs.address());
            out.writeShort(vs.port());
            out.writeUTF(vs.scheduler().ipvsName());
            int flags = 0;
            for (final SchedulerFlag f : vs.schedulerFlags())
            {
                flags |= 1 << f.ordinal();
            }
            out.writeByte(flags);
            out.writeInt(vs.persistent() ? vs.persistenceTimeoutS() : 0);
            out.writeByte(vs.persistent() ? vs.persistenceNetmask() : 0);
            out.writeByte(vs.onePacket() ? 1 : 0);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a service of a version this director reads, or
     *                                  hold settings that do not validate (the message says which).
     */
    public static RankedService decodeService(final byte[] value)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value)))
        {
            version(in.readUnsignedByte(), "service");
            final long rank = in.readLong();
            final Protocol protocol = Protocol.parse("protocol", in.readUTF());
            final IpAddress address = readAddress(in);
            final int port = in.readUnsignedShort();
            final SchedulerKind kind = SchedulerKind.parse("scheduler", in.readUTF());
            final int flagBits = in.readUnsignedByte();
            final int persistenceS = in.readInt();
            final int netmask = in.readUnsignedByte();
            final boolean onePacket = in.readUnsignedByte() != 0;
            final Set<SchedulerFlag> flags = EnumSet.noneOf(SchedulerFlag.class);
            for (final SchedulerFlag f : SchedulerFlag.values())
            {
                if ((flagBits & (1 << f.ordinal())) != 0)
                {
                    flags.add(f);
                }
            }
            final VirtualService.Builder b = VirtualService.builder().protocol(protocol).address(address).port(port)
                .scheduler(kind).schedulerFlags(flags).onePacket(onePacket);
            if (persistenceS > 0)
            {
                b.persistence(persistenceS).persistenceNetmask(netmask);
            }
            return new RankedService(b.build(), rank);
        }
        catch (final IOException | InvalidServiceException ex)
        {
            throw new IllegalArgumentException("not a service record: " + ex.getMessage(), ex);
        }
    }

    public static byte[] encodeServer(final RealServerSpec rs, final long rank)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(40);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeByte(VERSION);
            out.writeLong(rank);
            writeAddress(out, rs.address());
            out.writeShort(rs.port());
            out.writeUTF(rs.method().name().toLowerCase(Locale.ROOT));
            out.writeInt(rs.weight());
            out.writeInt(rs.upperThreshold());
            out.writeInt(rs.lowerThreshold());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not a real server record this director reads. */
    public static RankedServer decodeServer(final byte[] value)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value)))
        {
            version(in.readUnsignedByte(), "real server");
            final long rank = in.readLong();
            final IpAddress address = readAddress(in);
            final int port = in.readUnsignedShort();
            final ForwardingMethod method = ForwardingMethod.parse("method", in.readUTF());
            final int weight = in.readInt();
            final int upper = in.readInt();
            final int lower = in.readInt();
            return new RankedServer(new RealServerSpec(address, port, method, weight, upper, lower), rank);
        }
        catch (final IOException | InvalidServiceException ex)
        {
            throw new IllegalArgumentException("not a real server record: " + ex.getMessage(), ex);
        }
    }

    /**
     * The services of a catalog view, by rank, each with its real servers by rank. An entry without a live
     * {@code service} field (deleted, or only orphan server fields left) is no service; a value that does not
     * decode is left out and described in {@code problems}.
     */
    public static List<ServiceSpec> decode(final Map<String, Map<String, byte[]>> view, final List<String> problems)
    {
        final List<RankedSpec> ranked = new ArrayList<>();
        for (final Map.Entry<String, Map<String, byte[]>> entry : view.entrySet())
        {
            if (!entry.getKey().startsWith(SERVICE_PREFIX))
            {
                continue;
            }
            final byte[] serviceValue = entry.getValue().get(SERVICE_FIELD);
            if (serviceValue == null)
            {
                continue;
            }
            final RankedService service;
            try
            {
                service = decodeService(serviceValue);
            }
            catch (final IllegalArgumentException ex)
            {
                problems.add(entry.getKey() + " " + SERVICE_FIELD + ": " + ex.getMessage());
                continue;
            }
            final List<RankedServer> servers = new ArrayList<>();
            for (final Map.Entry<String, byte[]> field : entry.getValue().entrySet())
            {
                if (field.getKey().startsWith(SERVER_PREFIX) && field.getValue() != null)
                {
                    try
                    {
                        servers.add(decodeServer(field.getValue()));
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        problems.add(entry.getKey() + " " + field.getKey() + ": " + ex.getMessage());
                    }
                }
            }
            servers.sort(Comparator.comparingLong(RankedServer::rank).thenComparing(r -> r.server().endpoint().toString()));
            final List<RealServerSpec> list = new ArrayList<>();
            for (final RankedServer r : servers)
            {
                list.add(r.server());
            }
            ranked.add(new RankedSpec(new ServiceSpec(service.service(), list), service.rank()));
        }
        ranked.sort(Comparator.comparingLong(RankedSpec::rank).thenComparing(r -> r.spec().id().toString()));
        final List<ServiceSpec> specs = new ArrayList<>();
        for (final RankedSpec r : ranked)
        {
            specs.add(r.spec());
        }
        return specs;
    }

    private record RankedSpec(ServiceSpec spec, long rank)
    {
    }

    private static void version(final int version, final String what) throws IOException
    {
        if (version != VERSION)
        {
            throw new IOException(what + " record of format version " + version + "; this director reads version " + VERSION);
        }
    }

    private static void writeAddress(final DataOutputStream out, final IpAddress a) throws IOException
    {
        final byte[] b = a.toBytes();
        out.writeByte(b.length);
        out.write(b);
    }

    private static IpAddress readAddress(final DataInputStream in) throws IOException
    {
        final int length = in.readUnsignedByte();
        if (length != 4 && length != 16)
        {
            throw new IOException("address of " + length + " bytes");
        }
        final byte[] b = new byte[length];
        in.readFully(b);
        return IpAddress.ofBytes(b);
    }
}
