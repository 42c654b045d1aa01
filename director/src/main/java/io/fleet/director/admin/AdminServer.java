package io.fleet.director.admin;

import com.typesafe.config.ConfigFactory;
import io.fleet.director.control.DirectorControl;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The admin HTTP API and {@code /metrics} of one director (pekko-http), bound to {@code fleet.admin.bind}:
 * {@code fleet.admin.port} (127.0.0.1:9780 by default). Every request needs the bearer token of
 * {@code fleet.admin.token-file}; the routes are in {@link AdminRoutes}, the wire shapes in {@link JsonCodec}.
 *
 * <p>From a daemon that has an actor system: {@code AdminServer.start(system, control, AdminSettings.fromConfig(config))};
 * close it before the actor system terminates.
 */
public final class AdminServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final ServerBinding binding;
    private final ActorSystem ownSystem;

    private AdminServer(final ServerBinding binding, final ActorSystem ownSystem)
    {
        this.binding = binding;
        this.ownSystem = ownSystem;
    }

    /**
     * Binds on the given actor system (a typed {@code ActorSystem} is a {@link ClassicActorSystemProvider}) and
     * waits for the bind (at most 10 s).
     *
     * @throws IllegalArgumentException when the token file is unusable or the address cannot be bound.
     */
    public static AdminServer start(
        final ClassicActorSystemProvider system, final DirectorControl control, final AdminSettings settings)
    {
        return start(system, control, settings, null);
    }

    /** Binds on an actor system of its own (for a process without one, and for tests); close() terminates it. */
    public static AdminServer start(final DirectorControl control, final AdminSettings settings)
    {
        final ActorSystem own = ActorSystem.create("fleet-admin", ConfigFactory.parseString(
            "pekko.actor.provider = local\npekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING")
            .withFallback(ConfigFactory.load()));
        try
        {
            return start(own, control, settings, own);
        }
        catch (final RuntimeException ex)
        {
            own.terminate();
            throw ex;
        }
    }

    private static AdminServer start(
        final ClassicActorSystemProvider system, final DirectorControl control, final AdminSettings settings,
        final ActorSystem own)
    {
        final BearerToken token = BearerToken.fromFile(settings.tokenFile());
        final AdminRoutes routes = new AdminRoutes(control, token, settings.metricsToken(),
            Materializer.matFromSystem(system));
        try
        {
            final ServerBinding binding = Http.get(system)
                .newServerAt(settings.bind(), settings.port())
                // No Server header: an unauthenticated caller learns nothing about what answers.
                .adaptSettings(s -> s.withServerHeader(java.util.Optional.empty()))
                .bind(routes::handle)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
            LOG.info("admin API on http://{}", hostPort(binding.localAddress()));
            return new AdminServer(binding, own);
        }
        catch (final ExecutionException | CompletionException ex)
        {
            throw new IllegalArgumentException("fleet.admin: cannot bind " + settings.bind() + ":" + settings.port()
                + ": " + ex.getCause().getMessage(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalArgumentException("fleet.admin: binding " + settings.bind() + ":" + settings.port()
                + " took longer than 10 s", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the admin API", ex);
        }
    }

    /** The address actually bound (port 0 in the settings picks a free one). */
    public InetSocketAddress localAddress()
    {
        return binding.localAddress();
    }

    /** {@code http://host:port}, what {@code fleet adm --node} takes. */
    public String url()
    {
        return "http://" + hostPort(binding.localAddress());
    }

    private static String hostPort(final InetSocketAddress a)
    {
        final String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Stops accepting, lets requests in flight finish (at most 2 s), and stops its own actor system if it has one. */
    @Override
    public void close()
    {
        try
        {
            binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            LOG.warn("admin API did not stop cleanly: {}", ex.toString());
        }
        if (ownSystem != null)
        {
            ownSystem.terminate();
            try
            {
                ownSystem.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                LOG.warn("admin actor system did not terminate: {}", ex.toString());
            }
        }
    }
}
