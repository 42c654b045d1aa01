package io.fleet.director.cli;

import io.fleet.director.admin.AdminFixture;
import io.fleet.director.control.RealServerStatus;
import io.fleet.director.control.ServiceStatus;
import io.fleet.director.service.ForwardingMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.fleet.director.cli.AdmRunner.adm;
import static io.fleet.director.cli.AdmRunner.words;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every ipvsadm command the operators' articles (shared/seeds 000, 003, 004) show, typed as {@code fleet adm}
 * with the rest of the line unchanged, against an in-memory director through the real admin API. The seeds'
 * addresses are only configuration here: no packet goes to them.
 */
@Timeout(60)
class AdmSeedsTest
{
    private AdminFixture fx;

    @BeforeEach
    void start() throws Exception
    {
        fx = new AdminFixture();
    }

    @AfterEach
    void stop() throws Exception
    {
        fx.close();
    }

    private AdmRunner.Result ok(final String line)
    {
        final AdmRunner.Result r = adm(fx, null, words(line));
        assertThat(r.exit()).as("fleet adm %s: %s", line, r.err()).isZero();
        return r;
    }

    private ServiceStatus service(final String id)
    {
        return fx.control.services().stream().filter(s -> s.id().toString().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void seed000DirectRouting()
    {
        ok("-A -t 192.168.1.100:80 -s rr");
        ok("-a -t 192.168.1.100:80 -r 192.168.1.101:80 -g");
        ok("-a -t 192.168.1.100:80 -r 192.168.1.102:80 -g");
        final ServiceStatus s = service("tcp:192.168.1.100:80");
        assertThat(s.service().scheduler().ipvsName()).isEqualTo("rr");
        assertThat(s.realServers()).extracting(r -> r.spec().method()).containsOnly(ForwardingMethod.DR);
    }

    @Test
    void seed003NatThenListThenDirectRouting()
    {
        ok("-A -t 192.168.1.100:80 -s rr");
        ok("-a -t 192.168.1.100:80 -r 192.168.1.101:80 -m");
        ok("-a -t 192.168.1.100:80 -r 192.168.1.102:80 -m");
        final String listed = ok("-L -n").out();
        assertThat(listed).isEqualTo("IP Virtual Server version 1.2.1 (size=4096) Fleet 0.1.0\n"
            + "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
            + "TCP  192.168.1.100:80 rr\n"
            + "  -> 192.168.1.101:80             Masq    1      0          0         \n"
            + "  -> 192.168.1.102:80             Masq    1      0          0         \n");
        // The article's DR section on a fresh director (its NAT one is a separate setup).
        ok("-C");
        ok("-A -t 192.168.1.100:80 -s rr");
        ok("-a -t 192.168.1.100:80 -r 192.168.1.101:80 -g");
        ok("-a -t 192.168.1.100:80 -r 192.168.1.102:80 -g");
        assertThat(ok("-L -n").out()).contains("  -> 192.168.1.101:80             Route   1");
    }

    @Test
    void seed004LabMaintenanceSaveAndRestore()
    {
        // The lab's director: rr over two real servers in DR mode.
        ok("-A -t 192.168.33.50:80 -s rr");
        ok("-a -t 192.168.33.50:80 -r 192.168.33.20:80 -g");
        ok("-a -t 192.168.33.50:80 -r 192.168.33.30:80 -g");
        assertThat(ok("-l --stats").out()).startsWith("IP Virtual Server version 1.2.1 (size=4096) Fleet 0.1.0\n"
            + "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
            + "  -> RemoteAddress:Port\n"
            + "TCP  192.168.33.50:80                    0        0        0        0        0\n");

        ok("-e -t 192.168.33.50:80 -r 192.168.33.30 -w 0");
        final RealServerStatus drained = service("tcp:192.168.33.50:80").realServers().stream()
            .filter(r -> r.spec().address().toString().equals("192.168.33.30")).findFirst().orElseThrow();
        assertThat(drained.spec().weight()).isZero();
        assertThat(drained.spec().method()).isEqualTo(ForwardingMethod.DR);

        ok("-d -t 192.168.33.50:80 -r 192.168.33.30");
        assertThat(service("tcp:192.168.33.50:80").realServers()).hasSize(1);
        ok("-a -t 192.168.33.50:80 -r 192.168.33.30");
        assertThat(service("tcp:192.168.33.50:80").realServers()).hasSize(2);
        assertThat(service("tcp:192.168.33.50:80").realServers().get(0).spec().port()).as("port from the service").isEqualTo(80);

        // ipvsadm-save / ipvsadm-restore
        final String saved = ok("-S").out();
        ok("-C");
        assertThat(fx.control.services()).isEmpty();
        final AdmRunner.Result restored = adm(fx, saved, "-R");
        assertThat(restored.exit()).as(restored.err()).isZero();
        assertThat(ok("-S").out()).isEqualTo(saved);

        // Connection sync daemons: Fleet's sync is always on; the commands are accepted and say so.
        for (final String line : List.of("--start-daemon=master --mcast-interface=eth0",
            "--start-daemon=backup --mcast-interface=eth0"))
        {
            final AdmRunner.Result r = ok(line);
            assertThat(r.err()).contains("every Fleet director replicates its connections");
        }
    }

    @Test
    void seed001PseudoCommandsAreRefusedClearly()
    {
        // Seed 001 writes pseudo-syntax, not ipvsadm: "ipvsadm -C <rule id>" and "ipvsadm -a <VIP> <port> --type ...".
        final AdmRunner.Result clear = adm(fx, null, "-C", "3");
        assertThat(clear.exit()).isEqualTo(2);
        assertThat(clear.err()).startsWith("fleet adm: unexpected argument 3\n");
        final AdmRunner.Result add = adm(fx, null, words("-a 192.168.1.100 80 --type nat"));
        assertThat(add.exit()).isEqualTo(2);
        assertThat(add.err()).startsWith("fleet adm: ").contains("--type");
    }
}
