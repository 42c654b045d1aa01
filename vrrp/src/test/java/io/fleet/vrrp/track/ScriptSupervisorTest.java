package io.fleet.vrrp.track;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.fleet.vrrp.agent.AgentRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Real processes: track scripts with rise/fall and timeouts, ordered notify scripts, nothing left running. */
@Timeout(30)
class ScriptSupervisorTest
{
    private static final long MS = 1_000_000L;

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void shouldReportAFailingScriptAfterFallFailuresAndRecoverAfterRise(@TempDir final Path dir) throws Exception
    {
        final Path flag = dir.resolve("healthy");
        Files.writeString(flag, "");
        final TrackScript check = new TrackScript("chk", List.of("/bin/sh", "-c", "test -e " + flag),
            50 * MS, 2_000 * MS, -40, 2, 2);
        final List<Map<String, Boolean>> changes = new CopyOnWriteArrayList<>();
        final ScriptSupervisor s = new ScriptSupervisor(List.of(check), System.nanoTime(), changes::add);
        try (AgentRunner runner = new AgentRunner("scripts", s, 20 * MS).start())
        {
            s.wakeUp(runner::wake);
            await("some runs", () -> s.started() >= 3);
            assertThat(s.status()).containsEntry("chk", true);
            assertThat(changes).isEmpty();
            Files.delete(flag);
            await("failure", () -> !s.status().get("chk"));
            Files.writeString(flag, "");
            await("recovery", () -> s.status().get("chk"));
        }
        assertThat(changes).containsExactly(Map.of("chk", false), Map.of("chk", true));
    }

    @Test
    void shouldKillAHungScriptByPidAndCountItAsFailed() throws Exception
    {
        final TrackScript hung = new TrackScript("hung", List.of("/bin/sh", "-c", "sleep 30; exit 0"),
            10_000 * MS, 200 * MS, 0, 1, 1);
        final ScriptSupervisor s = new ScriptSupervisor(List.of(hung), System.nanoTime(), m -> { });
        final List<Long> pids = new ArrayList<>();
        try (AgentRunner runner = new AgentRunner("scripts", s, 20 * MS).start())
        {
            await("start", () -> !s.livePids().isEmpty());
            pids.addAll(s.livePids());
            final List<Long> children = new ArrayList<>();
            ProcessHandle.of(pids.get(0)).ifPresent(h -> h.descendants().forEach(d -> children.add(d.pid())));
            pids.addAll(children);
            await("timeout", () -> !s.status().get("hung"));
        }
        assertThat(s.killedOnTimeout()).isEqualTo(1);
        await("processes gone", () -> pids.stream().noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
    }

    @Test
    void shouldRunNotifyScriptsOfOneGroupInOrderWithoutBlockingTheCaller(@TempDir final Path dir) throws Exception
    {
        final Path log = dir.resolve("log");
        final ScriptSupervisor s = new ScriptSupervisor(List.of(), System.nanoTime(), m -> { });
        try (AgentRunner runner = new AgentRunner("scripts", s, 20 * MS).start())
        {
            s.wakeUp(runner::wake);
            final long before = System.nanoTime();
            s.submit("web", List.of("/bin/sh", "-c", "sleep 0.3; echo MASTER >> " + log), 5_000 * MS);
            s.submit("web", List.of("/bin/sh", "-c", "echo BACKUP >> " + log), 5_000 * MS);
            assertThat(System.nanoTime() - before).as("submit returns at once").isLessThan(100 * MS);
            await("both ran", () -> s.notifyCompleted() == 2);
        }
        assertThat(Files.readAllLines(log)).containsExactly("MASTER", "BACKUP");
    }

    @Test
    void shouldKillANotifyScriptThatOutlivesItsTimeoutAndGoOn(@TempDir final Path dir) throws Exception
    {
        final Path log = dir.resolve("log");
        final ScriptSupervisor s = new ScriptSupervisor(List.of(), System.nanoTime(), m -> { });
        try (AgentRunner runner = new AgentRunner("scripts", s, 20 * MS).start())
        {
            s.wakeUp(runner::wake);
            s.submit("web", List.of("/bin/sleep", "30"), 200 * MS);
            s.submit("web", List.of("/bin/sh", "-c", "echo NEXT >> " + log), 5_000 * MS);
            await("both done", () -> s.notifyCompleted() == 2);
        }
        assertThat(s.killedOnTimeout()).isEqualTo(1);
        assertThat(s.livePids()).isEmpty();
        assertThat(Files.readAllLines(log)).containsExactly("NEXT");
    }

    @Test
    void shouldCountACommandThatCannotStartAsFailed() throws Exception
    {
        final TrackScript missing = new TrackScript("missing", List.of("/nonexistent/fleet-check"),
            10_000 * MS, 1_000 * MS, -10, 1, 1);
        final ScriptSupervisor s = new ScriptSupervisor(List.of(missing), 0, m -> { });
        s.doWork(0);
        assertThat(s.failedToStart()).isEqualTo(1);
        assertThat(s.status()).containsEntry("missing", false);
    }
}
