package io.fleet.director.health;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import io.fleet.director.demo.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each checker against real servers this test starts and stops on 127.0.0.1: a listening socket, the JDK's HTTP
 * and HTTPS servers (a self-signed certificate made with keytool), a UDP echo, shell scripts. Rounds are 100 ms
 * apart so transitions come within a second; the waits are generous because the build machine is shared.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HealthCheckerTest
{
    private static final int WAIT_S = 15;

    @TempDir
    Path dir;

    private final Recorder recorder = new Recorder();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception
    {
        for (int i = closing.size() - 1; i >= 0; i--)
        {
            closing.get(i).close();
        }
    }

    private static CheckSpec.Builder fast(final CheckType type)
    {
        return CheckSpec.builder(type).delayLoopMs(100).connectTimeoutMs(1_000).retry(0).delayBeforeRetryMs(50)
            .warmupMs(0);
    }

    private HealthChecker start(final CheckTarget target)
    {
        final HealthChecker c = recorder.start(target);
        closing.add(c);
        return c;
    }

    private static ServerSocket listen(final int port, final int backlog) throws IOException
    {
        final ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
        return s;
    }

    // --------------------------------------------------------------------------------------------- TCP_CHECK

    @Test
    void tcpCheckShouldGoDownAfterFallFailedRoundsAndUpAfterRisePassedRounds() throws Exception
    {
        final int port = FreePorts.next();
        ServerSocket server = listen(port, 50);
        final HealthChecker checker = start(Recorder.target(port, fast(CheckType.TCP).fall(3).rise(2).build()));

        // Up from the start (Keepalived without alpha) and it stays up while the port answers.
        Thread.sleep(600);
        assertThat(recorder.events).isEmpty();
        assertThat(checker.counters().probes()).isGreaterThanOrEqualTo(2);
        assertThat(checker.states().get(0).up()).isTrue();

        server.close();
        final Recorder.Event down = recorder.next(WAIT_S);
        assertThat(down.up()).isFalse();
        assertThat(down.weight()).isZero();
        assertThat(down.probeFailuresThen()).as("failed attempts before the transition").isEqualTo(3);
        assertThat(down.reason()).contains("3 failed rounds").contains("refused");
        assertThat(checker.counters().transitionsDown()).isEqualTo(1);

        final long failuresBeforeRestart = checker.counters().probeFailures();
        final long probesBeforeRestart = checker.counters().probes();
        server = listen(port, 50);
        closing.add(server);
        final Recorder.Event up = recorder.next(WAIT_S);
        assertThat(up.up()).isTrue();
        assertThat(up.weight()).isEqualTo(5);
        final long passed = (up.probesThen() - probesBeforeRestart) - (up.probeFailuresThen() - failuresBeforeRestart);
        assertThat(passed).as("passed attempts before coming up").isGreaterThanOrEqualTo(2);
        assertThat(checker.counters().transitionsUp()).isEqualTo(1);
    }

    @Test
    void tcpCheckShouldRetryAnUpServerBeforeCountingTheRoundFailed() throws Exception
    {
        final int port = FreePorts.next();
        final HealthChecker checker = start(Recorder.target(port, fast(CheckType.TCP).retry(2).fall(1).build()));
        final Recorder.Event down = recorder.next(WAIT_S);
        assertThat(down.up()).isFalse();
        assertThat(down.probeFailuresThen()).as("one attempt and two retries").isEqualTo(3);
        assertThat(checker.counters().retries()).isEqualTo(2);
    }

    @Test
    void tcpCheckShouldTimeOutOnAListenerThatNeverAccepts() throws Exception
    {
        final int port = FreePorts.next();
        final ServerSocket server = listen(port, 1);
        closing.add(server);
        // Fill the accept queue: once it is full the kernel drops further SYNs, so connects hang.
        final List<Socket> fillers = new ArrayList<>();
        boolean full = false;
        for (int i = 0; i < 64 && !full; i++)
        {
            final Socket s = new Socket();
            fillers.add(s);
            try
            {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            }
            catch (final SocketTimeoutException timedOut)
            {
                full = true;
            }
        }
        for (final Socket s : fillers)
        {
            closing.add(s);
        }
        assertThat(full).as("the accept queue filled up").isTrue();

        start(Recorder.target(port, fast(CheckType.TCP).connectTimeoutMs(300).build()));
        final Recorder.Event down = recorder.next(WAIT_S);
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).contains("ConnectTimeoutException");
    }

    @Test
    void alphaShouldStartDownAndComeUpAfterRise() throws Exception
    {
        final int port = FreePorts.next();
        closing.add(listen(port, 50));
        final HealthChecker checker = start(Recorder.target(port, fast(CheckType.TCP).alpha(true).rise(2).build()));
        assertThat(checker.states().get(0).up()).isFalse();
        final Recorder.Event up = recorder.next(WAIT_S);
        assertThat(up.up()).isTrue();
        assertThat(up.probesThen()).isGreaterThanOrEqualTo(2);
    }

    // ------------------------------------------------------------------------------------ HTTP_GET, SSL_GET

    /** A JDK HTTP(S) server whose status and body the test sets; it records the Host header and the TLS SNI. */
    private static final class Web
    {
        final AtomicInteger status = new AtomicInteger(200);
        final AtomicReference<String> body = new AtomicReference<>("hello fleet\n");
        final AtomicReference<String> host = new AtomicReference<>();
        final AtomicReference<String> sni = new AtomicReference<>();
        final AtomicReference<String> path = new AtomicReference<>();

        void serve(final HttpServer server)
        {
            server.createContext("/", exchange ->
            {
                host.set(exchange.getRequestHeaders().getFirst("Host"));
                path.set(exchange.getRequestURI().getPath());
                if (exchange instanceof HttpsExchange https && https.getSSLSession() instanceof ExtendedSSLSession s)
                {
                    for (final SNIServerName n : s.getRequestedServerNames())
                    {
                        if (n instanceof SNIHostName h)
                        {
                            sni.set(h.getAsciiName());
                        }
                    }
                }
                try (InputStream in = exchange.getRequestBody())
                {
                    in.readAllBytes();
                }
                final byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status.get(), b.length);
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(b);
                }
            });
            server.start();
        }
    }

    private static String md5(final String text) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void httpGetShouldGoDownOnAWrongStatusAndOnADigestMismatchAndUpAgain() throws Exception
    {
        final int port = FreePorts.next();
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        final Web web = new Web();
        web.serve(server);
        closing.add(() -> server.stop(0));
        final HealthChecker checker = start(Recorder.target(port, fast(CheckType.HTTP).path("/health")
            .digest(md5("hello fleet\n")).virtualhost("www.example.test").build()));

        Thread.sleep(500);
        assertThat(recorder.events).as("up while status and digest match").isEmpty();
        assertThat(web.host.get()).isEqualTo("www.example.test");
        assertThat(web.path.get()).isEqualTo("/health");
        assertThat(checker.counters().probeFailures()).isZero();

        web.body.set("changed page\n");
        final Recorder.Event digest = recorder.next(WAIT_S);
        assertThat(digest.up()).isFalse();
        assertThat(digest.reason()).contains("digest " + md5("changed page\n")).contains("is not " + md5("hello fleet\n"));

        web.body.set("hello fleet\n");
        assertThat(recorder.next(WAIT_S).up()).isTrue();

        web.status.set(503);
        final Recorder.Event status = recorder.next(WAIT_S);
        assertThat(status.up()).isFalse();
        assertThat(status.reason()).contains("HTTP status 503 not in 200-299");

        web.status.set(200);
        assertThat(recorder.next(WAIT_S).up()).isTrue();
    }

    @Test
    void httpGetShouldAcceptTheConfiguredStatusCodesAndSendTheAddressAsHost() throws Exception
    {
        final int port = FreePorts.next();
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        final Web web = new Web();
        web.status.set(302);
        web.serve(server);
        closing.add(() -> server.stop(0));
        final HealthChecker checker = start(Recorder.target(port, fast(CheckType.HTTP).statusCodes(200, 200, 301, 302).build()));
        Thread.sleep(500);
        assertThat(recorder.events).isEmpty();
        assertThat(checker.counters().probes()).isGreaterThanOrEqualTo(2);
        assertThat(web.host.get()).isEqualTo("127.0.0.1:" + port);

        web.status.set(404);
        assertThat(recorder.next(WAIT_S).reason()).contains("HTTP status 404 not in 200 301-302");
    }

    @Test
    void sslGetShouldCheckATlsServerWithASelfSignedCertificateAndSendTheVirtualHostAsSni() throws Exception
    {
        final Path keystore = dir.resolve("server.p12");
        final Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "rs", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=rs.example.test",
            "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit",
            "-keypass", "changeit").redirectErrorStream(true).start();
        final String keytoolOutput = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(keytoolOutput).isZero();

        final KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile()))
        {
            ks.load(in, "changeit".toCharArray());
        }
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        final SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);

        final int port = FreePorts.next();
        final HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        final Web web = new Web();
        web.serve(server);
        closing.add(() -> server.stop(0));

        final HealthChecker checker = start(Recorder.target(port, fast(CheckType.HTTPS).connectTimeoutMs(3_000)
            .digest(md5("hello fleet\n")).virtualhost("www.example.test").build()));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (checker.counters().probes() - checker.counters().probeFailures() < 2 && System.nanoTime() < deadline)
        {
            Thread.sleep(50);
        }
        assertThat(checker.counters().probes() - checker.counters().probeFailures()).as("passed TLS checks").isGreaterThanOrEqualTo(2);
        assertThat(recorder.events).isEmpty();
        assertThat(web.sni.get()).isEqualTo("www.example.test");

        web.status.set(500);
        final Recorder.Event down = recorder.next(WAIT_S);
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).contains("HTTP status 500");
    }

    // -------------------------------------------------------------------------------------------- UDP_CHECK

    /** A UDP echo on a thread of its own, stopped by closing its socket. */
    private static DatagramSocket echo(final int port, final AtomicReference<byte[]> answer) throws IOException
    {
        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        final Thread t = new Thread(() ->
        {
            final byte[] buf = new byte[2048];
            while (!socket.isClosed())
            {
                try
                {
                    final DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    final byte[] reply = answer.get() != null ? answer.get()
                        : java.util.Arrays.copyOf(p.getData(), p.getLength());
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
                catch (final IOException closed)
                {
                    return;
                }
            }
        }, "udp-echo-" + port);
        t.setDaemon(true);
        t.start();
        return socket;
    }

    @Test
    void udpCheckShouldNeedAMatchingReplyWhenRequired() throws Exception
    {
        final int port = FreePorts.next();
        final AtomicReference<byte[]> answer = new AtomicReference<>();
        final DatagramSocket server = echo(port, answer);
        closing.add(server);
        final HealthChecker checker = start(Recorder.target(port, fast(CheckType.UDP).payload(new byte[]{(byte)0xCA, (byte)0xFE, 1})
            .requireReply(true, new byte[]{(byte)0xCA, (byte)0xFE, 0}, new byte[]{(byte)0xFF, (byte)0xFF, 0}).build()));
        Thread.sleep(600);
        assertThat(recorder.events).as("the echo matches CA FE xx").isEmpty();
        assertThat(checker.counters().probes()).isGreaterThanOrEqualTo(2);

        answer.set(new byte[]{0x00, 0x01, 0x02});
        final Recorder.Event down = recorder.next(WAIT_S);
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).contains("does not match");

        answer.set(null);
        assertThat(recorder.next(WAIT_S).up()).isTrue();

        server.close();
        final Recorder.Event silent = recorder.next(WAIT_S);
        assertThat(silent.up()).isFalse();
        assertThat(silent.reason()).containsAnyOf("no reply", "port unreachable");
    }

    @Test
    void udpCheckWithoutRequireReplyShouldGoDownOnIcmpPortUnreachable() throws Exception
    {
        final int port = FreePorts.next();
        final AtomicReference<byte[]> answer = new AtomicReference<>(new byte[0]);
        final DatagramSocket server = echo(port, answer);
        final HealthChecker checker = start(Recorder.target(port, fast(CheckType.UDP).connectTimeoutMs(300).build()));
        Thread.sleep(1_000);
        assertThat(recorder.events).as("no ICMP error while the port is open").isEmpty();
        assertThat(checker.counters().probes()).isGreaterThanOrEqualTo(2);

        server.close();
        final Recorder.Event down = recorder.next(WAIT_S);
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).contains("ICMP port unreachable");
    }

    // ------------------------------------------------------------------------------------------- MISC_CHECK

    private Path script(final String name, final String body) throws IOException
    {
        final Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void miscCheckShouldFollowTheExitStatusAndSetTheWeightWhenDynamic() throws Exception
    {
        final Path code = dir.resolve("code");
        Files.writeString(code, "0");
        final Path check = script("check.sh", "exit $(cat " + code + ")");
        final HealthChecker checker = start(Recorder.target(80, fast(CheckType.MISC).miscCommand(List.of(check.toString()))
            .miscDynamic(true).miscTimeoutMs(5_000).build()));
        Thread.sleep(600);
        assertThat(recorder.events).isEmpty();
        assertThat(checker.counters().probes()).isGreaterThanOrEqualTo(2);

        Files.writeString(code, "12");
        final Recorder.Event weight = recorder.next(WAIT_S);
        assertThat(weight.up()).isTrue();
        assertThat(weight.weight()).as("misc_dynamic: exit status - 2").isEqualTo(10);
        assertThat(checker.states().get(0).weight()).isEqualTo(10);

        Files.writeString(code, "1");
        final Recorder.Event down = recorder.next(WAIT_S);
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).contains("exit status 1");

        Files.writeString(code, "202");
        final Recorder.Event up = recorder.next(WAIT_S);
        assertThat(up.up()).isTrue();
        assertThat(up.weight()).isEqualTo(200);
    }

    @Test
    void miscCheckWithoutDynamicShouldTreatStatusTwoAsDown() throws Exception
    {
        final Path check = script("two.sh", "exit 2");
        start(Recorder.target(80, fast(CheckType.MISC).miscCommand(List.of(check.toString())).build()));
        final Recorder.Event down = recorder.next(WAIT_S);
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).contains("exit status 2");
    }

    @Test
    void miscCheckShouldKillAHangingScriptAtItsTimeoutAndCountItDown() throws Exception
    {
        final Path pidFile = dir.resolve("pid");
        final Path check = script("hang.sh", "echo $$ > " + pidFile + "\nexec sleep 60");
        final long startNs = System.nanoTime();
        start(Recorder.target(80, CheckSpec.builder(CheckType.MISC).delayLoopMs(60_000).warmupMs(0)
            .miscCommand(List.of(check.toString())).miscTimeoutMs(400).build()));
        final Recorder.Event down = recorder.next(WAIT_S);
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).contains("killed after misc-timeout 400 ms");
        assertThat(tookMs).as("waited for the timeout, not for the script").isGreaterThanOrEqualTo(400).isLessThan(30_000);
        final long pid = Long.parseLong(Files.readString(pidFile).trim());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline)
        {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the script was killed").isFalse();
    }

    @Test
    void notifyScriptsShouldRunOnEachTransitionWithTheServerInTheirEnvironment() throws Exception
    {
        final Path log = dir.resolve("notify.log");
        final Path notify = script("notify.sh", "echo \"$1 $FLEET_STATE $FLEET_SERVICE $FLEET_REAL_SERVER\" >> " + log);
        final int port = FreePorts.next();
        final ServerSocket server = listen(port, 50);
        final HealthChecker checker = start(Recorder.target(port, fast(CheckType.TCP)
            .notifyDown(List.of(notify.toString(), "down")).notifyUp(List.of(notify.toString(), "up")).build()));
        server.close();
        assertThat(recorder.next(WAIT_S).up()).isFalse();
        closing.add(listen(port, 50));
        assertThat(recorder.next(WAIT_S).up()).isTrue();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while ((!Files.exists(log) || Files.readAllLines(log).size() < 2) && System.nanoTime() < deadline)
        {
            Thread.sleep(50);
        }
        assertThat(Files.readAllLines(log)).containsExactly(
            "down DOWN tcp:127.0.0.100:80 127.0.0.1:" + port,
            "up UP tcp:127.0.0.100:80 127.0.0.1:" + port);
        assertThat(checker.counters().notifyRuns()).isEqualTo(2);
        assertThat(checker.counters().notifyFailures()).isZero();
    }

    @Test
    void commandLinesShouldSplitLikeKeepalivedDoes()
    {
        assertThat(CommandLine.split("/opt/check_web.sh web1")).containsExactly("/opt/check_web.sh", "web1");
        assertThat(CommandLine.split("/bin/sh -c 'exit 3'")).containsExactly("/bin/sh", "-c", "exit 3");
        assertThat(CommandLine.split("  \"/a b/c\"  d ")).containsExactly("/a b/c", "d");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CommandLine.split("/bin/x 'open"))
            .hasMessageContaining("unclosed");
    }
}
