package io.fleet.director.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleet.director.control.ConnectionFilter;
import io.fleet.director.control.ControlException;
import io.fleet.director.control.DirectorControl;
import io.fleet.director.control.Endpoint;
import io.fleet.director.control.RealServerSpec;
import io.fleet.director.control.RealServerStatus;
import io.fleet.director.control.ReloadResult;
import io.fleet.director.control.ServiceId;
import io.fleet.director.control.ServiceStatus;
import io.fleet.director.service.InvalidServiceException;
import io.fleet.director.service.IpAddress;
import io.fleet.director.service.VirtualService;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The admin API's routes: token check, then method and path, then a body parsed and validated in full before
 * {@link DirectorControl} is called. Answers: 200/201 with JSON; 400 {@code {"field", "error"}} for a refused
 * request (nothing changed); 401 without the right token; 404 for an unknown path, service or real server; 405
 * for a method a path does not take; 500 when the director failed unexpectedly.
 */
final class AdminRoutes
{
    static final long MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_PAGE = 10_000;
    static final int DEFAULT_PAGE = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
    private static final ContentType METRICS_TYPE = ContentTypes.parse(MetricsExporter.CONTENT_TYPE);
    private static final long BODY_TIMEOUT_MS = 5_000;

    private final DirectorControl control;
    private final BearerToken token;
    private final boolean metricsToken;
    private final Materializer materializer;
    private final MetricsExporter metrics;

    AdminRoutes(
        final DirectorControl control, final BearerToken token, final boolean metricsToken,
        final Materializer materializer)
    {
        this.control = control;
        this.token = token;
        this.metricsToken = metricsToken;
        this.materializer = materializer;
        this.metrics = new MetricsExporter(control);
    }

    CompletionStage<HttpResponse> handle(final HttpRequest request)
    {
        final List<String> path = new ArrayList<>();
        request.getUri().pathSegments().forEach(path::add);
        final boolean isMetrics = path.size() == 1 && "metrics".equals(path.get(0));
        if (!(isMetrics && !metricsToken) && !token.accepts(header(request, "Authorization")))
        {
            request.discardEntityBytes(materializer);
            return CompletableFuture.completedFuture(json(StatusCodes.UNAUTHORIZED,
                JsonCodec.error("Authorization", "a valid bearer token is required (Authorization: Bearer TOKEN)"))
                .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"fleet\"")));
        }
        return request.entity().toStrict(BODY_TIMEOUT_MS, MAX_BODY_BYTES, materializer)
            .thenCompose(strict -> route(request.method(), path, request,
                strict.getData().decodeString(StandardCharsets.UTF_8)))
            .exceptionally(AdminRoutes::failure);
    }

    private CompletionStage<HttpResponse> route(
        final HttpMethod method, final List<String> path, final HttpRequest request, final String body)
    {
        try
        {
            if (path.size() == 1 && "metrics".equals(path.get(0)))
            {
                return only(method, HttpMethods.GET, () -> HttpResponse.create().withEntity(METRICS_TYPE, metrics.scrape()));
            }
            if (path.size() < 2 || !"v1".equals(path.get(0)))
            {
                return notFoundPath(request);
            }
            final String what = path.get(1);
            if ("services".equals(what))
            {
                return services(method, path, request, body);
            }
            if (path.size() != 2)
            {
                return notFoundPath(request);
            }
            switch (what)
            {
                case "connections":
                    return only(method, HttpMethods.GET, () -> connections(request));
                case "stats":
                    return only(method, HttpMethods.GET, this::stats);
                case "cluster":
                    return only(method, HttpMethods.GET, () -> ok(JsonCodec.cluster(control.cluster(), control.heldVips())));
                case "vips":
                    return only(method, HttpMethods.GET, this::vips);
                case "health":
                    return only(method, HttpMethods.GET, () -> ok(JsonCodec.health(control.health())));
                case "ports":
                    return only(method, HttpMethods.GET, () -> ok(JsonCodec.ports(control.ports())));
                case "sync":
                    return only(method, HttpMethods.GET, () -> ok(JsonCodec.sync(control.sync())));
                case "zero":
                    return only(method, HttpMethods.POST, () -> zero(body));
                case "reload":
                    return only(method, HttpMethods.POST, this::reload);
                case "timeouts":
                    if (HttpMethods.GET.equals(method))
                    {
                        return done(ok(JsonCodec.timeouts(control.timeouts())));
                    }
                    if (HttpMethods.PUT.equals(method))
                    {
                        return control.setTimeouts(JsonCodec.timeouts(JsonCodec.parse(body)))
                            .thenApply(v -> ok(JsonCodec.timeouts(control.timeouts())));
                    }
                    return done(notAllowed("GET, PUT"));
                default:
                    return notFoundPath(request);
            }
        }
        catch (final ControlException ex)
        {
            return done(refused(ex));
        }
        catch (final InvalidServiceException ex)
        {
            return done(refused(JsonCodec.fromModel(ex)));
        }
    }

    // ------------------------------------------------------------------------------------------- services

    private CompletionStage<HttpResponse> services(
        final HttpMethod method, final List<String> path, final HttpRequest request, final String body)
    {
        if (path.size() == 2)
        {
            if (HttpMethods.GET.equals(method))
            {
                final ArrayNode list = JsonCodec.MAPPER.createArrayNode();
                control.services().forEach(s -> list.add(JsonCodec.service(s)));
                return done(ok(list));
            }
            if (HttpMethods.POST.equals(method))
            {
                final VirtualService vs = JsonCodec.service(JsonCodec.parse(body), null);
                return control.addService(vs).thenApply(v -> created(idJson(ServiceId.of(vs))));
            }
            if (HttpMethods.DELETE.equals(method))
            {
                return control.clear().thenApply(v -> ok(JsonCodec.MAPPER.createObjectNode().put("cleared", true)));
            }
            return done(notAllowed("GET, POST, DELETE"));
        }
        final ServiceId id = ServiceId.parse("service", path.get(2));
        final ServiceStatus current = find(id);
        if (path.size() == 3)
        {
            if (HttpMethods.GET.equals(method))
            {
                return done(ok(JsonCodec.service(current)));
            }
            if (HttpMethods.PUT.equals(method))
            {
                final VirtualService vs = JsonCodec.service(JsonCodec.parse(body), current.service());
                return control.editService(vs).thenApply(v -> ok(JsonCodec.service(find(id))));
            }
            if (HttpMethods.DELETE.equals(method))
            {
                return control.deleteService(id).thenApply(v -> ok(idJson(id)));
            }
            return done(notAllowed("GET, PUT, DELETE"));
        }
        if (!"real-servers".equals(path.get(3)) || path.size() > 5)
        {
            return notFoundPath(request);
        }
        if (path.size() == 4)
        {
            if (HttpMethods.GET.equals(method))
            {
                final ArrayNode list = JsonCodec.MAPPER.createArrayNode();
                current.realServers().forEach(r -> list.add(JsonCodec.realServer(r)));
                return done(ok(list));
            }
            if (HttpMethods.POST.equals(method))
            {
                final RealServerSpec spec = JsonCodec.realServer(JsonCodec.parse(body), null);
                final Endpoint added = new Endpoint(spec.address(), spec.port() == 0 ? current.service().port() : spec.port());
                return control.addRealServer(id, spec).thenApply(v -> created(idJson(id).put("realServer", added.toString())));
            }
            return done(notAllowed("GET, POST"));
        }
        final Endpoint endpoint = Endpoint.parse("realServer", path.get(4), false);
        final RealServerStatus rs = findRealServer(current, endpoint);
        if (HttpMethods.GET.equals(method))
        {
            return done(ok(JsonCodec.realServer(rs)));
        }
        if (HttpMethods.PUT.equals(method))
        {
            final RealServerSpec spec = JsonCodec.realServer(JsonCodec.parse(body), rs.spec());
            return control.editRealServer(id, spec)
                .thenApply(v -> ok(JsonCodec.realServer(findRealServer(find(id), rs.spec().endpoint()))));
        }
        if (HttpMethods.DELETE.equals(method))
        {
            return control.deleteRealServer(id, rs.spec().endpoint())
                .thenApply(v -> ok(idJson(id).put("realServer", rs.spec().endpoint().toString())));
        }
        return done(notAllowed("GET, PUT, DELETE"));
    }

    private ServiceStatus find(final ServiceId id)
    {
        for (final ServiceStatus s : control.services())
        {
            if (s.id().equals(id))
            {
                return s;
            }
        }
        throw ControlException.notFound("service", "service " + id);
    }

    /** Port 0 on either side means the service's port, as ipvsadm's {@code -r RIP} without a port does. */
    private static RealServerStatus findRealServer(final ServiceStatus s, final Endpoint e)
    {
        final int servicePort = s.service().port();
        for (final RealServerStatus r : s.realServers())
        {
            final int port = r.spec().port() == 0 ? servicePort : r.spec().port();
            final int wanted = e.port() == 0 ? servicePort : e.port();
            if (r.spec().address().equals(e.address()) && port == wanted)
            {
                return r;
            }
        }
        throw ControlException.notFound("realServer", "real server " + e + " in " + s.id());
    }

    // -------------------------------------------------------------------------------------- the other reads

    private HttpResponse connections(final HttpRequest request)
    {
        final var query = request.getUri().query();
        final IpAddress vip = address(query.get("vip"), "vip");
        final IpAddress rs = address(query.get("rs"), "rs");
        final IpAddress client = address(query.get("client"), "client");
        final long offset = number(query.get("offset"), "offset", 0, Long.MAX_VALUE, 0);
        final int limit = (int)number(query.get("limit"), "limit", 1, MAX_PAGE, DEFAULT_PAGE);
        return ok(JsonCodec.connections(control.connections(new ConnectionFilter(vip, rs, client), offset, limit)));
    }

    private static IpAddress address(final Optional<String> text, final String field)
    {
        if (text.isEmpty() || text.get().isEmpty())
        {
            return null;
        }
        try
        {
            return IpAddress.parse(field, text.get());
        }
        catch (final InvalidServiceException ex)
        {
            throw new ControlException(field, "not an IP address: '" + text.get() + "'");
        }
    }

    private static long number(final Optional<String> text, final String field, final long min, final long max, final long dflt)
    {
        if (text.isEmpty() || text.get().isEmpty())
        {
            return dflt;
        }
        try
        {
            final long v = Long.parseLong(text.get());
            if (v >= min && v <= max)
            {
                return v;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // answered below
        }
        throw new ControlException(field, "must be a whole number " + min + ".." + max + " (got '" + text.get() + "')");
    }

    private HttpResponse stats()
    {
        final ArrayNode list = JsonCodec.MAPPER.createArrayNode();
        for (final ServiceStatus s : control.services())
        {
            final ObjectNode o = list.addObject();
            o.put("id", s.id().toString());
            o.set("traffic", JsonCodec.traffic(s.traffic()));
            final ArrayNode rs = o.putArray("realServers");
            for (final RealServerStatus r : s.realServers())
            {
                rs.addObject().put("realServer", r.spec().endpoint().toString()).set("traffic", JsonCodec.traffic(r.traffic()));
            }
        }
        return ok(JsonCodec.MAPPER.createObjectNode().set("services", list));
    }

    private HttpResponse vips()
    {
        final ObjectNode o = JsonCodec.cluster(control.cluster(), control.heldVips());
        final ObjectNode v = JsonCodec.MAPPER.createObjectNode();
        v.set("held", o.get("heldVips"));
        v.set("groups", o.get("vipGroups"));
        return ok(v);
    }

    private HttpResponse zero(final String body)
    {
        final JsonNode b = JsonCodec.parse(body);
        if (!b.isObject())
        {
            throw new ControlException("body", "must be a JSON object");
        }
        b.fieldNames().forEachRemaining(name ->
        {
            if (!"service".equals(name))
            {
                throw new ControlException(name, "unknown field; expected [service]");
            }
        });
        ServiceId id = null;
        if (b.has("service") && !b.get("service").isNull())
        {
            if (!b.get("service").isTextual())
            {
                throw new ControlException("service", "must be a service id such as tcp:192.0.2.1:80");
            }
            id = ServiceId.parse("service", b.get("service").asText());
            find(id);
        }
        control.zero(id);
        return ok(JsonCodec.MAPPER.createObjectNode().put("zeroed", id == null ? "all" : id.toString()));
    }

    private HttpResponse reload()
    {
        final ReloadResult r = control.reload();
        if (r.applied())
        {
            return ok(JsonCodec.reload(r));
        }
        final ObjectNode o = JsonCodec.error("config", r.problems().isEmpty() ? "refused" : r.problems().get(0));
        o.setAll(JsonCodec.reload(r));
        return json(StatusCodes.BAD_REQUEST, o);
    }

    // ------------------------------------------------------------------------------------------- answers

    private interface Answer
    {
        HttpResponse get();
    }

    private static CompletionStage<HttpResponse> only(final HttpMethod method, final HttpMethod allowed, final Answer answer)
    {
        if (!allowed.equals(method))
        {
            return done(notAllowed(allowed.value()));
        }
        return done(answer.get());
    }

    private static CompletionStage<HttpResponse> done(final HttpResponse response)
    {
        return CompletableFuture.completedFuture(response);
    }

    private static CompletionStage<HttpResponse> notFoundPath(final HttpRequest request)
    {
        return done(json(StatusCodes.NOT_FOUND, JsonCodec.error("path", "no such endpoint: " + request.getUri().path())));
    }

    private static HttpResponse notAllowed(final String allow)
    {
        return json(StatusCodes.METHOD_NOT_ALLOWED, JsonCodec.error("method", "allowed here: " + allow))
            .addHeader(RawHeader.create("Allow", allow));
    }

    private static ObjectNode idJson(final ServiceId id)
    {
        return JsonCodec.MAPPER.createObjectNode().put("id", id.toString());
    }

    private static HttpResponse created(final ObjectNode body)
    {
        return json(StatusCodes.CREATED, body);
    }

    private static HttpResponse ok(final JsonNode body)
    {
        return json(StatusCodes.OK, body);
    }

    static HttpResponse json(final StatusCode status, final JsonNode body)
    {
        try
        {
            return HttpResponse.create().withStatus(status)
                .withEntity(ContentTypes.APPLICATION_JSON, JsonCodec.MAPPER.writeValueAsBytes(body));
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write JSON", ex);
        }
    }

    private static HttpResponse refused(final ControlException ex)
    {
        final String prefix = ex.field() + ": ";
        final String message = ex.getMessage().startsWith(prefix) ? ex.getMessage().substring(prefix.length()) : ex.getMessage();
        return json(ex.notFound() ? StatusCodes.NOT_FOUND : StatusCodes.BAD_REQUEST, JsonCodec.error(ex.field(), message));
    }

    private static HttpResponse failure(final Throwable thrown)
    {
        Throwable t = thrown;
        while (t instanceof CompletionException && t.getCause() != null)
        {
            t = t.getCause();
        }
        if (t instanceof ControlException)
        {
            return refused((ControlException)t);
        }
        if (t instanceof InvalidServiceException)
        {
            return refused(JsonCodec.fromModel((InvalidServiceException)t));
        }
        if (t instanceof org.apache.pekko.http.scaladsl.model.EntityStreamException
            || String.valueOf(t.getMessage()).contains("exceeded"))
        {
            return json(StatusCodes.PAYLOAD_TOO_LARGE, JsonCodec.error("body", "larger than " + MAX_BODY_BYTES + " bytes"));
        }
        LOG.error("admin API request failed", t);
        return json(StatusCodes.INTERNAL_SERVER_ERROR, JsonCodec.error(null, "the director failed: " + t));
    }

    private static String header(final HttpRequest request, final String name)
    {
        final Optional<HttpHeader> h = request.getHeader(name);
        return h.map(HttpHeader::value).orElse(null);
    }
}
