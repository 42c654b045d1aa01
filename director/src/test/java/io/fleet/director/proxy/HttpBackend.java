package io.fleet.director.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small real HTTP server for proxy tests (JDK {@code HttpServer}, keep-alive) that answers with its name:
 * {@code GET /} gives the name; {@code POST /upload} gives "name sha256(body)"; {@code GET /download?bytes=N&seed=S}
 * gives N bytes of a seeded pseudo-random stream.
 */
final class HttpBackend implements AutoCloseable
{
    private final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    private HttpBackend(final String name, final String address) throws IOException
    {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress(address, 0), 64);
        server.createContext("/", this::root);
        server.createContext("/upload", this::upload);
        server.createContext("/download", this::download);
        server.setExecutor(executor);
        server.start();
    }

    static HttpBackend start(final String name, final String address) throws IOException
    {
        return new HttpBackend(name, address);
    }

    String name()
    {
        return name;
    }

    int port()
    {
        return server.getAddress().getPort();
    }

    private void root(final HttpExchange ex) throws IOException
    {
        ex.getRequestBody().readAllBytes();
        respond(ex, name.getBytes(StandardCharsets.US_ASCII));
    }

    private void upload(final HttpExchange ex) throws IOException
    {
        final MessageDigest sha = sha256();
        try (InputStream in = ex.getRequestBody())
        {
            final byte[] buf = new byte[16 * 1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf))
            {
                sha.update(buf, 0, n);
            }
        }
        respond(ex, (name + " " + HexFormat.of().formatHex(sha.digest())).getBytes(StandardCharsets.US_ASCII));
    }

    private void download(final HttpExchange ex) throws IOException
    {
        ex.getRequestBody().readAllBytes();
        final String query = ex.getRequestURI().getQuery();
        int bytes = 0;
        long seed = 0;
        for (final String kv : query.split("&"))
        {
            final String[] p = kv.split("=");
            if (p[0].equals("bytes"))
            {
                bytes = Integer.parseInt(p[1]);
            }
            else if (p[0].equals("seed"))
            {
                seed = Long.parseLong(p[1]);
            }
        }
        respond(ex, pattern(bytes, seed));
    }

    /** The bytes {@code /download} sends for this length and seed. */
    static byte[] pattern(final int bytes, final long seed)
    {
        final byte[] b = new byte[bytes];
        final SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < bytes; i++)
        {
            b[i] = (byte)r.nextInt(256);
        }
        return b;
    }

    static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void respond(final HttpExchange ex, final byte[] body) throws IOException
    {
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody())
        {
            out.write(body);
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }
}
