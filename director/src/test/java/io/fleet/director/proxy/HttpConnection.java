package io.fleet.director.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw-socket HTTP/1.1 client connection, so that a test decides exactly when a TCP connection is opened, reused
 * (keep-alive) or closed; {@code java.net.http.HttpClient} pools connections behind the test's back.
 */
final class HttpConnection implements AutoCloseable
{
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private HttpConnection(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    static HttpConnection open(final InetSocketAddress to) throws IOException
    {
        return open(to, null);
    }

    /** Opens a connection from a given local address (another client of 127.0.0.0/8), or any when null. */
    static HttpConnection open(final InetSocketAddress to, final String from) throws IOException
    {
        final Socket s = new Socket();
        s.setSoTimeout(10_000);
        if (from != null)
        {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        }
        s.connect(to, 5_000);
        return new HttpConnection(s);
    }

    /** {@code GET path} on a new connection, closed afterwards. */
    static String get(final InetSocketAddress to, final String path) throws IOException
    {
        try (HttpConnection c = open(to))
        {
            return c.text("GET", path, null);
        }
    }

    Socket socket()
    {
        return socket;
    }

    String text(final String method, final String path, final byte[] body) throws IOException
    {
        return new String(request(method, path, body), StandardCharsets.US_ASCII);
    }

    /** Sends one request on this connection and reads the response body (Content-Length framing). */
    byte[] request(final String method, final String path, final byte[] body) throws IOException
    {
        final String head = method + " " + path + " HTTP/1.1\r\nHost: vip\r\n"
            + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (body != null)
        {
            out.write(body);
        }
        out.flush();
        final String status = line();
        if (!status.startsWith("HTTP/1.1 200"))
        {
            throw new IOException("unexpected status: " + status);
        }
        int length = -1;
        for (String h = line(); !h.isEmpty(); h = line())
        {
            if (h.regionMatches(true, 0, "content-length:", 0, 15))
            {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        if (length < 0)
        {
            throw new IOException("no Content-Length");
        }
        return in.readNBytes(length);
    }

    private String line() throws IOException
    {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read())
        {
            if (c < 0)
            {
                throw new EOFException("connection closed mid-response");
            }
            if (c != '\r')
            {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Reads a response body slowly, chunk by chunk, so that the proxy has to hold the server back. */
    byte[] slowBody(final String path, final int chunk, final long pauseMs) throws IOException, InterruptedException
    {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: vip\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        line();
        int length = -1;
        for (String h = line(); !h.isEmpty(); h = line())
        {
            if (h.regionMatches(true, 0, "content-length:", 0, 15))
            {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        final ByteArrayOutputStream body = new ByteArrayOutputStream(length);
        while (body.size() < length)
        {
            body.write(in.readNBytes(Math.min(chunk, length - body.size())));
            Thread.sleep(pauseMs);
        }
        return body.toByteArray();
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
