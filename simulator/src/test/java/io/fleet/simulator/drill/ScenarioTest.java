package io.fleet.simulator.drill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scenario files: the built-ins load, knobs apply in order (built-in, file, command line), errors name file and line. */
class ScenarioTest
{
    @TempDir
    Path dir;

    @Test
    void everyBuiltInShouldLoadWithValidKnobsAndEvents()
    {
        for (final String name : Scenario.BUILT_INS)
        {
            final Scenario s = Scenario.load(name);
            assertThat(s.name()).isEqualTo(name);
            assertThat(s.events()).as(name).isNotEmpty();
            s.knobs(new Knobs()).validate();
            assertThat(s.faults(1)).as(name).allSatisfy(f -> assertThat(f.atMs()).isLessThan(s.knobs(new Knobs()).durationMs));
        }
    }

    @Test
    void shouldReadAFileAndDrawTheFaultMomentsFromTheSeed() throws Exception
    {
        final Path file = dir.resolve("mine.conf");
        Files.writeString(file, String.join("\n",
            "name = mine",
            "knobs { directors = 5, flows = 100, duration = 4s, scheduler = mh, sync = off }",
            "events = [ { at = 1s, jitter = 2s, action = kill, director = 2 }, { at = 2s, action = rs-fail, count = 2 } ]"));
        final Scenario s = Scenario.load(file.toString());
        final Knobs k = s.knobs(new Knobs());
        assertThat(k.directors).isEqualTo(5);
        assertThat(k.scheduler).isEqualTo("mh");
        assertThat(k.sync).isFalse();
        assertThat(k.durationMs).isEqualTo(4_000);
        final long kill = s.faults(9).stream().filter(f -> f.event().action() == Scenario.Action.KILL).findFirst().orElseThrow().atMs();
        assertThat(kill).isBetween(1_000L, 2_999L);
        assertThat(s.faults(9)).isEqualTo(s.faults(9));
        boolean differs = false;
        for (long seed = 10; seed < 20 && !differs; seed++)
        {
            differs = !s.faults(seed).equals(s.faults(9));
        }
        assertThat(differs).as("the jitter depends on the seed").isTrue();
    }

    @Test
    void shouldNameTheFileAndLineOfABadEvent() throws Exception
    {
        final Path file = dir.resolve("bad.conf");
        Files.writeString(file, "name = bad\nevents = [\n  { at = 1s, action = explode }\n]\n");
        assertThatThrownBy(() -> Scenario.load(file.toString())).isInstanceOf(DrillException.class)
            .hasMessageContaining("bad.conf:3").hasMessageContaining("unknown action 'explode'").hasMessageContaining("kill-holder");
        Files.writeString(file, "name = bad\nevnts = []\n");
        assertThatThrownBy(() -> Scenario.load(file.toString())).hasMessageContaining("bad.conf:2")
            .hasMessageContaining("unknown key 'evnts'");
        Files.writeString(file, "events = [ { action = kill } ]\n");
        assertThatThrownBy(() -> Scenario.load(file.toString())).hasMessageContaining("needs 'at'");
        Files.writeString(file, "knobs { directors = many }\n");
        assertThatThrownBy(() -> Scenario.load(file.toString())).hasMessageContaining("directors");
    }

    @Test
    void shouldListEveryBadKnobAtOnce()
    {
        final Knobs k = new Knobs();
        k.directors = 0;
        k.loss = 0.7;
        k.scheduler = "fastest";
        assertThatThrownBy(k::validate).isInstanceOf(DrillException.class).hasMessageContaining("directors: 0")
            .hasMessageContaining("loss: 0.7").hasMessageContaining("fastest");
    }

    @Test
    void shouldAcceptEveryMethodButFullnatOverSeveralVipGroups()
    {
        for (final String method : new String[] {"dr", "tun", "nat", "fullnat", "NAT"})
        {
            final Knobs k = new Knobs();
            k.method = method;
            k.validate();
        }
        final Knobs fullnat = new Knobs();
        fullnat.method = "fullnat";
        assertThat(fullnat.vipCount()).as("FULLNAT runs one VIP group by default").isEqualTo(1);
        fullnat.vips = 3;
        assertThatThrownBy(fullnat::validate).isInstanceOf(DrillException.class).hasMessageContaining("vips: 3 with method fullnat");
        final Knobs bad = new Knobs();
        bad.method = "masq";
        assertThatThrownBy(bad::validate).isInstanceOf(DrillException.class)
            .hasMessageContaining("method: 'masq' is not one of dr, tun, nat, fullnat");
    }
}
