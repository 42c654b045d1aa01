package io.fleet.director.lab;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The lab end to end ({@code deploy/lab/lab.sh}, what {@code ./fleet lab} runs): network namespaces on one bridge,
 * three real {@code fleet run} directors in pcap mode on their veths, two real HTTP servers, a client. Checks that
 * requests alternate under rr, that a drill killing the VIP holder with kill -9 keeps every established connection
 * and takes over in under 2 s, and that {@code down} leaves no namespace behind - for DR, NAT (the real servers
 * route through a gateway address the holder holds) and FULLNAT (a source address the fleet shares). Needs root, iproute2, python3,
 * ethtool, tcpdump and curl; skipped with the reason otherwise.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LabTest
{
    private static final Path LAB = Path.of("..", "deploy", "lab", "lab.sh").toAbsolutePath().normalize();

    @TempDir
    Path state;

    private String prefix;

    @BeforeEach
    void prefix()
    {
        prefix = "fT" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    }

    @AfterEach
    void down() throws Exception
    {
        if (prefix != null && Files.isExecutable(LAB))
        {
            lab(60, "down");
        }
    }

    private static boolean root()
    {
        try
        {
            final Process p = new ProcessBuilder("id", "-u").start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0") && p.waitFor() == 0;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    private static boolean onPath(final String tool)
    {
        for (final String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"))
        {
            if (Files.isExecutable(Path.of(dir, tool)))
            {
                return true;
            }
        }
        return false;
    }

    private void assumeLab()
    {
        assumeTrue(root(), "the lab needs root (network namespaces, veth, a bridge)");
        for (final String tool : List.of("ip", "ethtool", "tcpdump", "curl", "python3"))
        {
            assumeTrue(onPath(tool), "the lab needs " + tool + " (./fleet test installs it)");
        }
    }

    private record Result(int code, String output)
    {
    }

    private Result lab(final int timeoutS, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(LAB.toString());
        command.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        final Map<String, String> env = pb.environment();
        env.put("FLEET_CP", System.getProperty("java.class.path"));
        env.put("FLEET_LAB_PREFIX", prefix);
        env.put("FLEET_LAB_STATE", state.resolve("lab").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        final Process p = pb.start();
        final byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError("lab " + String.join(" ", args) + " timed out");
        }
        final String text = new String(out, StandardCharsets.UTF_8);
        System.out.println("lab " + String.join(" ", args) + " -> " + p.exitValue() + "\n" + text);
        return new Result(p.exitValue(), text);
    }

    private List<String> namespaces() throws Exception
    {
        final Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        final String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        final List<String> ours = new ArrayList<>();
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(prefix + "-"))
            {
                ours.add(line.split(" ")[0]);
            }
        }
        return ours;
    }

    @ParameterizedTest
    // TUN is not here: this kernel has no ipip driver (docs/lab.md).
    @ValueSource(strings = {"dr", "nat", "fullnat"})
    void shouldAlternateServersAndKeepEveryConnectionWhenTheHolderIsKilled(final String method) throws Exception
    {
        assumeLab();
        final Result up = lab(150, "up", "--method", method, "--directors", "3", "--servers", "2");
        assertThat(up.code()).as(up.output()).isZero();
        assertThat(namespaces()).hasSize(1 + 1 + 3 + 2);

        final Result curl = lab(60, "curl", "6");
        final Matcher m = Pattern.compile("request \\d+: (\\S+)").matcher(curl.output());
        final List<String> answers = new ArrayList<>();
        while (m.find())
        {
            answers.add(m.group(1));
        }
        assertThat(answers).hasSize(6).containsOnly("rs1", "rs2");
        for (int i = 1; i < answers.size(); i++)
        {
            assertThat(answers.get(i)).as("rr alternates: %s", answers).isNotEqualTo(answers.get(i - 1));
        }

        seedsHealthExperiment();

        final Path json = state.resolve("drill.json");
        final Result drill = lab(120, "drill", "--kill", "holder", "--connections", "20", "--duration", "10",
            "--json", json.toString());
        assertThat(drill.code()).as(drill.output()).isZero();
        final String report = Files.readString(json);
        assertThat(number(report, "connections")).isEqualTo(20);
        assertThat(number(report, "survived")).as(report).isEqualTo(20);
        assertThat(number(report, "requests_failed")).as(report).isZero();
        assertThat(number(report, "requests_ok")).as(report).isGreaterThan(20 * 10);
        assertThat(report).contains("\"killed\": \"director");
        // New connections keep working through the takeover (a SYN lost to the dead holder is retransmitted). One
        // opened in the last few milliseconds before the kill may not have been replicated yet (sync flushes every
        // ~10 ms) and is lost with the holder: seen once in 20 NAT drills.
        assertThat(number(report, "new_ok")).as(report).isGreaterThan(0);
        assertThat(number(report, "new_failed_after_kill")).as(report).isLessThanOrEqualTo(1);
        assertThat(number(report, "takeover_ms")).as(report).isBetween(0L, 1999L);

        final Result down = lab(60, "down");
        assertThat(down.code()).as(down.output()).isZero();
        assertThat(namespaces()).isEmpty();
    }

    /** The articles' experiment: a web server stops, traffic moves to the other after fall; it starts, it comes back. */
    private void seedsHealthExperiment() throws Exception
    {
        assertThat(lab(30, "server", "stop", "1").code()).isZero();
        assertThat(eventually(() -> answers(lab(60, "curl", "4")), a -> a.equals(List.of("rs2", "rs2", "rs2", "rs2"))))
            .as("after the health check's fall only rs2 answers").isTrue();
        final Result adm = lab(60, "adm", "1", "-L", "-n");
        assertThat(adm.code()).as(adm.output()).isZero();
        assertThat(adm.output()).contains("TCP  10.77.0.100:80 rr")
            .containsPattern("10\\.77\\.0\\.21:80\\s+(Route|Masq|FullNat|Fullnat|FULLNAT)\\s+0");
        assertThat(lab(30, "server", "start", "1").code()).isZero();
        assertThat(eventually(() -> answers(lab(60, "curl", "4")), a -> a.contains("rs1") && a.contains("rs2")))
            .as("after rise rs1 answers again").isTrue();
    }

    private static List<String> answers(final Result curl)
    {
        final Matcher m = Pattern.compile("request \\d+: (\\S+)").matcher(curl.output());
        final List<String> answers = new ArrayList<>();
        while (m.find())
        {
            answers.add(m.group(1));
        }
        return answers;
    }

    private interface Call<T>
    {
        T call() throws Exception;
    }

    private static <T> boolean eventually(final Call<T> call, final java.util.function.Predicate<T> ok) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadlineNs < 0)
        {
            if (ok.test(call.call()))
            {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private static long number(final String json, final String key)
    {
        final Matcher m = Pattern.compile("\"" + key + "\": (-?\\d+)").matcher(json);
        assertThat(m.find()).as("%s in %s", key, json).isTrue();
        return Long.parseLong(m.group(1));
    }
}
