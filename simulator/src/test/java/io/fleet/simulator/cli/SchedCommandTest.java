package io.fleet.simulator.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class SchedCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        final CommandLine cli = SimMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldPrintWrrPicksCompactAsTheIpvsSequence()
    {
        assertThat(run("sched", "--scheduler", "wrr", "--servers", "A:4,B:3,C:2", "--picks", "9", "--compact")).isZero();
        assertThat(out.toString()).isEqualTo("AABABCABC" + System.lineSeparator());
    }

    @Test
    void shouldPrintOneNamePerLineByDefault()
    {
        assertThat(run("sched", "-s", "rr", "--servers", "A,B", "--picks", "3")).isZero();
        assertThat(out.toString().split("\\R")).containsExactly("A", "B", "A");
    }

    @Test
    void shouldStartFromTheGivenActiveConnections()
    {
        // lc with A already holding 2 established connections: B, B, then alternate from a tie (A first).
        assertThat(run("sched", "-s", "lc", "--servers", "A,B", "--active", "A:2", "--picks", "4", "--compact")).isZero();
        assertThat(out.toString().trim()).isEqualTo("BBAB");
    }

    @Test
    void shouldShowQuiescedServersAreNeverPicked()
    {
        assertThat(run("sched", "-s", "wlc", "--servers", "A:0,B:0", "--picks", "2", "--compact")).isZero();
        assertThat(out.toString().trim()).isEqualTo("--");
    }

    @Test
    void shouldReportSharesAndTheFlowsThatMoveWhenAServerIsRemoved()
    {
        assertThat(run("sched", "-s", "mh", "--servers", "A,B,C,D", "--flows", "40000", "--remove", "B", "--seed", "3"))
            .isZero();
        final String text = out.toString();
        assertThat(text).contains("scheduler mh, 4 servers, 40000 flows, seed 3").contains("after remove B:");
        final double moved = Double.parseDouble(text.replaceAll("(?s).*changed server: \\d+ of \\d+ \\(([0-9.]+)%\\).*", "$1"));
        final double least = Double.parseDouble(text.replaceAll("(?s).*the least possible: ([0-9.]+)%.*", "$1"));
        // Maglev moves B's quarter and little else.
        assertThat(least).isBetween(23.0, 27.0);
        assertThat(moved).isBetween(least, least + 3.0);
    }

    @Test
    void shouldShowThatModuloLikeSchedulersMoveMoreThanMaglev()
    {
        assertThat(run("sched", "-s", "sh", "--servers", "A,B,C,D", "--flows", "40000", "--add", "E:1")).isZero();
        final double moved = Double.parseDouble(
            out.toString().replaceAll("(?s).*changed server: \\d+ of \\d+ \\(([0-9.]+)%\\).*", "$1"));
        // sh's table is rebuilt by position: most flows change server when a fifth server joins.
        assertThat(moved).isGreaterThan(50.0);
    }

    @Test
    void shouldRejectBadArgumentsWithExitCode2AndTheFieldNamed()
    {
        assertThat(run("sched", "-s", "fastest", "--servers", "A", "--picks", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("--scheduler").contains("'fastest'");
        assertThat(run("sched", "-s", "wrr", "--servers", "A:70000", "--picks", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("--servers").contains("A:70000");
        assertThat(run("sched", "-s", "wrr", "--servers", "A,B", "--flows", "10", "--remove", "Z")).isEqualTo(2);
        assertThat(err.toString()).contains("--remove").contains("'Z'");
        assertThat(run("sched", "-s", "wrr", "--servers", "A,B")).isEqualTo(2);
        assertThat(err.toString()).contains("--picks N or --flows N");
        assertThat(run("sched", "-s", "wrr", "--servers", "A", "--picks", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("--picks");
        assertThat(run("sched", "-s", "mh", "--servers", "A", "--picks", "1", "--mh-table-size", "65536")).isEqualTo(2);
        assertThat(err.toString()).contains("--mh-table-size").contains("prime");
        assertThat(run("sched", "-s", "rr", "--servers", "A", "--picks", "1", "-b", "mh-port")).isEqualTo(2);
        assertThat(err.toString()).contains("'mh-port'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void drillShouldRefuseBadScenariosAndKnobsWithExit2()
    {
        assertThat(run("drill", "--scenario", "no-such-drill")).isEqualTo(2);
        assertThat(err.toString()).contains("no-such-drill").contains("neither a built-in").contains("kill-holder");
        assertThat(run("drill", "--scenario", "kill-holder", "--directors", "0", "--method", "masq")).isEqualTo(2);
        assertThat(err.toString()).contains("directors: 0 is not in").contains("method: 'masq' is not one of dr, tun, nat, fullnat");
        assertThat(run("drill", "--scenario", "kill-holder", "--method", "fullnat", "--vips", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("vips: 3 with method fullnat");
        assertThat(run("drill", "--scenario", "kill-holder", "--duration", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("duration");
        assertThat(out.toString()).isEmpty();
    }
}
