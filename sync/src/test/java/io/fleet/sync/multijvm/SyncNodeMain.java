package io.fleet.sync.multijvm;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fleet.sync.ClusterNode;
import io.fleet.sync.conn.ByteKey;
import io.fleet.sync.conn.ConnectionReplica;
import io.fleet.sync.conn.ConnectionReplication;
import io.fleet.sync.testkit.TestNodes;

/**
 * One director process for the multi-JVM test: starts a node, prints {@code UP} once caught up, then obeys
 * line commands on stdin: {@code put FROM COUNT} writes records FROM..FROM+COUNT-1, {@code check FROM COUNT}
 * prints {@code HAVE n} (how many of them it holds with the right bytes), {@code quit} leaves.
 * Args: host port seeds(comma-separated host:port) ddataDir.
 */
public final class SyncNodeMain
{
    private SyncNodeMain()
    {
    }

    static byte[] key(final int i)
    {
        return new byte[]{6, 10, 9, 8, 7, (byte)(i >> 16), (byte)(i >> 8), (byte)i, 10, 0, 0, 1, 80};
    }

    static byte[] record(final int i)
    {
        return new byte[]{10, 2, (byte)(i >> 8), (byte)i, 0, 80, 3};
    }

    public static void main(final String[] args) throws Exception
    {
        final List<String> seeds = Arrays.asList(args[2].split(","));
        final ClusterNode node = ClusterNode.start(TestNodes.config(args[0], Integer.parseInt(args[1]), seeds,
            Path.of(args[3])).withFallback(com.typesafe.config.ConfigFactory.parseString(
            "fleet.sync.split-brain-resolver.stable-after = 3 s\npekko.loglevel = WARNING")));
        final ConnectionReplication connections = ConnectionReplication.start(node, (k, r, e) -> { });
        connections.caughtUp().toCompletableFuture().get(120, TimeUnit.SECONDS);
        System.out.println("UP");
        System.out.flush();

        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null)
        {
            final String[] cmd = line.trim().split("\\s+");
            switch (cmd[0])
            {
                case "put" ->
                {
                    final int from = Integer.parseInt(cmd[1]);
                    final int count = Integer.parseInt(cmd[2]);
                    final long expiryMs = System.currentTimeMillis() + 600_000;
                    for (int i = from; i < from + count; i++)
                    {
                        while (!connections.put(key(i), record(i), expiryMs))
                        {
                            Thread.sleep(1);
                        }
                    }
                    System.out.println("PUT " + count);
                }
                case "check" ->
                {
                    final int from = Integer.parseInt(cmd[1]);
                    final int count = Integer.parseInt(cmd[2]);
                    final Map<ByteKey, ConnectionReplica.Entry> live =
                        connections.liveRecords().toCompletableFuture().get(10, TimeUnit.SECONDS);
                    int have = 0;
                    for (int i = from; i < from + count; i++)
                    {
                        final ConnectionReplica.Entry e = live.get(ByteKey.copyOf(key(i)));
                        if (e != null && Arrays.equals(e.record(), record(i)))
                        {
                            have++;
                        }
                    }
                    System.out.println("HAVE " + have);
                }
                case "quit" ->
                {
                    node.close();
                    System.out.println("BYE");
                    System.exit(0);
                }
                default -> System.out.println("ERR unknown command " + line);
            }
            System.out.flush();
        }
        node.close();
    }
}
