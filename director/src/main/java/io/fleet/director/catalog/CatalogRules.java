package io.fleet.director.catalog;

import io.fleet.director.control.RealServerSpec;
import io.fleet.director.control.ServiceId;
import io.fleet.director.sched.SchedulerFactory;
import io.fleet.director.sched.SchedulerOptions;
import io.fleet.director.service.SchedulerKind;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Service;
import io.fleet.director.service.VirtualService;
import io.fleet.sync.catalog.CatalogValidator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The director's check of every catalog edit, run by the replicator against the catalog as it is when the edit
 * applies (so it also catches a race, such as a real server added to a service another director just deleted):
 * keys and fields must be ones {@link CatalogCodec} writes, values must decode and name what their key names, a
 * real server needs a live service and must fit it (address family, port with DR and TUN), and new service
 * settings must fit the real servers it has. Removals are always accepted. Fast and non-blocking: no scheduler
 * tables are built (a round-robin stands in while fitting).
 */
public final class CatalogRules implements CatalogValidator
{
    @Override
    public String validate(final String key, final String field, final byte[] value, final Map<String, Map<String, byte[]>> current)
    {
        if (value == null)
        {
            return null;
        }
        if (CatalogCodec.META_KEY.equals(key))
        {
            return null;
        }
        if (!key.startsWith(CatalogCodec.SERVICE_PREFIX))
        {
            return key + ": not a catalog entry key (" + CatalogCodec.SERVICE_PREFIX + "PROTOCOL:VIP:PORT or " + CatalogCodec.META_KEY + ")";
        }
        try
        {
            final Map<String, byte[]> fields = current.get(key);
            if (CatalogCodec.SERVICE_FIELD.equals(field))
            {
                final VirtualService vs = CatalogCodec.decodeService(value).service();
                if (!key.equals(CatalogCodec.entryKey(ServiceId.of(vs))))
                {
                    return key + ": holds the settings of " + ServiceId.of(vs);
                }
                final List<RealServer> servers = new ArrayList<>();
                if (fields != null)
                {
                    for (final Map.Entry<String, byte[]> f : fields.entrySet())
                    {
                        if (f.getKey().startsWith(CatalogCodec.SERVER_PREFIX) && f.getValue() != null)
                        {
                            servers.add(realServer(CatalogCodec.decodeServer(f.getValue()).server()));
                        }
                    }
                }
                Service.of(vs, SchedulerFactory.create(SchedulerKind.RR, false, false, SchedulerOptions.DEFAULTS), servers);
                return null;
            }
            if (field.startsWith(CatalogCodec.SERVER_PREFIX))
            {
                final byte[] serviceValue = fields == null ? null : fields.get(CatalogCodec.SERVICE_FIELD);
                if (serviceValue == null)
                {
                    return key.substring(CatalogCodec.SERVICE_PREFIX.length()) + ": no such service (deleted?)";
                }
                final VirtualService vs = CatalogCodec.decodeService(serviceValue).service();
                final RealServerSpec rs = CatalogCodec.decodeServer(value).server();
                if (!field.equals(CatalogCodec.serverField(rs.endpoint())))
                {
                    return key + " " + field + ": holds real server " + rs.endpoint();
                }
                Service.of(vs, SchedulerFactory.create(SchedulerKind.RR, false, false, SchedulerOptions.DEFAULTS), List.of(realServer(rs)));
                return null;
            }
            return key + " " + field + ": unknown field (" + CatalogCodec.SERVICE_FIELD + " or " + CatalogCodec.SERVER_PREFIX + "ADDRESS:PORT)";
        }
        catch (final RuntimeException ex)
        {
            return key + " " + field + ": " + ex.getMessage();
        }
    }

    static RealServer realServer(final RealServerSpec rs)
    {
        return RealServer.of(rs.address(), rs.port(), rs.method(), rs.weight(), rs.upperThreshold(), rs.lowerThreshold());
    }
}
