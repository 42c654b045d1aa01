package io.fleet.director.admin;

import io.fleet.director.demo.FreePorts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** An admin server on loopback over an {@link InMemoryDirectorControl}, with a token file and a real HTTP client. */
public final class AdminFixture implements AutoCloseable
{
    public static final String TOKEN = "test-token-0123456789abcdef";

    public final InMemoryDirectorControl control = new InMemoryDirectorControl();
    public final Path dir;
    public final Path tokenFile;
    public final AdminServer server;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public AdminFixture() throws IOException
    {
        this(true);
    }

    public AdminFixture(final boolean metricsToken) throws IOException
    {
        dir = Files.createTempDirectory("fleet-admin-test");
        tokenFile = dir.resolve("admin.token");
        Files.writeString(tokenFile, TOKEN + "\n");
        server = AdminServer.start(control, new AdminSettings("127.0.0.1", FreePorts.next(), tokenFile, metricsToken));
    }

    public String url()
    {
        return server.url();
    }

    public HttpResponse<String> send(final String method, final String path, final String body, final String token)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null)
        {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null)
        {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(final String method, final String path, final String body)
        throws IOException, InterruptedException
    {
        return send(method, path, body, TOKEN);
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        Files.deleteIfExists(tokenFile);
        Files.deleteIfExists(dir);
    }
}
