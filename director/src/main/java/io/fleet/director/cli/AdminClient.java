package io.fleet.director.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code fleet adm}'s side of the admin API: JSON over HTTP to one director with the bearer token. A refusal
 * (4xx) becomes an {@link ApiRefusal} with the API's field and reason; an unreachable director an
 * {@link IOException} naming the URL.
 */
final class AdminClient
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String base;
    private final String token;
    private final HttpClient http;

    /**
     * @throws IOException when {@code base} is not an http(s) URL with a host.
     */
    AdminClient(final String base, final String token) throws IOException
    {
        final URI uri;
        try
        {
            uri = new URI(base);
        }
        catch (final java.net.URISyntaxException ex)
        {
            throw new IOException("--node: not a URL: '" + base + "' (expected http://HOST:PORT)");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
            || (uri.getPath() != null && !uri.getPath().isEmpty() && !"/".equals(uri.getPath())) || uri.getQuery() != null)
        {
            throw new IOException("--node: not a director's admin URL: '" + base + "' (expected http://HOST:PORT)");
        }
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Reads a token file as the server does: the whole file, surrounding whitespace ignored. */
    static String readToken(final Path file) throws IOException
    {
        final String token;
        try
        {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot read the admin token from " + file + " (" + ex.getClass().getSimpleName()
                + "); give --token-file FILE", ex);
        }
        if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c > '~'))
        {
            throw new IOException(file + " does not hold an admin token (one word of printable ASCII); give --token-file FILE");
        }
        return token;
    }

    /** A path segment: service ids and real servers carry ':' and IPv6 brackets. */
    static String segment(final String text)
    {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(final String path) throws IOException, ApiRefusal
    {
        return send("GET", path, null);
    }

    JsonNode send(final String method, final String path, final JsonNode body) throws IOException, ApiRefusal
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json");
        if (body != null)
        {
            b.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)));
        }
        else
        {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        final HttpResponse<String> r;
        try
        {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot reach the director's admin API at " + base + " (" + ex.getClass().getSimpleName()
                + (ex.getMessage() == null ? "" : ": " + ex.getMessage()) + "); is it running? --node URL", ex);
        }
        final JsonNode json;
        try
        {
            json = r.body().isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(r.body());
        }
        catch (final IOException ex)
        {
            throw new IOException("the admin API at " + base + " answered HTTP " + r.statusCode() + " with something not JSON");
        }
        if (r.statusCode() >= 400)
        {
            throw new ApiRefusal(r.statusCode(), json.path("field").asText(null), json.path("error").asText("HTTP " + r.statusCode()));
        }
        return json;
    }

    /** The API said no: HTTP status, the field at fault (may be null) and why. */
    static final class ApiRefusal extends Exception
    {
        private static final long serialVersionUID = 1L;

        final int status;
        final String field;
        final String reason;

        ApiRefusal(final int status, final String field, final String reason)
        {
            super(field + ": " + reason);
            this.status = status;
            this.field = field;
            this.reason = reason;
        }
    }
}
