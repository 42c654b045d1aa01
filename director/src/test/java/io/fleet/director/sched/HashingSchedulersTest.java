package io.fleet.director.sched;

import io.fleet.director.service.FlowKey;
import io.fleet.director.service.RealServer;
import io.fleet.director.service.Scheduler;
import io.fleet.director.service.SchedulerKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden tables and picks of dh and sh against ip_vs_dh.c and ip_vs_sh.c. Expected buckets were computed
 * separately from the kernel's formula, {@code hash_32(v, 8) = (v * 0x61C88647) >> 24} on 32 bits.
 */
class HashingSchedulersTest
{
    @Test
    void hash32ShouldMatchTheKernel()
    {
        // 198.51.100.10 -> bucket 208; client 203.0.113.1 -> 50; with port 40000 added -> 214.
        assertThat(Hashing.hash32(0xC633640A, 8)).isEqualTo(208);
        assertThat(Hashing.hash32(0xCB007101, 8)).isEqualTo(50);
        assertThat(Hashing.hash32(0xCB007101 + 40000, 8)).isEqualTo(214);
    }

    @Test
    void dhShouldFillItsTableRoundRobinIgnoringWeights()
    {
        final Fixture f = Fixture.of(SchedulerKind.DH, "A:5", "B:1", "C:1");
        final RealServer[] table = ((DestinationHashScheduler)f.scheduler).table();
        assertThat(table).hasSize(256);
        for (int i = 0; i < 256; i++)
        {
            assertThat(table[i]).isSameAs(f.servers[i % 3]);
        }
    }

    @Test
    void dhShouldMapTheDestinationAddressToItsBucket()
    {
        final Fixture f = Fixture.of(SchedulerKind.DH, "A", "B", "C");
        // The fixture's flow goes to 198.51.100.10: bucket 208, 208 % 3 = 1 -> B, whatever the client.
        assertThat(f.pick()).isEqualTo("B");
        final FlowKey other = new FlowKey().ipv4(6, 0x0A0A0A0A, 999, Fixture.VIP.ipv4(), 80);
        assertThat(Fixture.name(f.scheduler.pick(other, 0))).isEqualTo("B");
    }

    @Test
    void dhShouldNotFallBackWhenTheServerIsUnavailable()
    {
        final Fixture f = Fixture.of(SchedulerKind.DH, "A", "B", "C");
        f.get("B").edit(null, 0, 0, 0);
        assertThat(f.pick()).isEqualTo("-");
    }

    @Test
    void shShouldGiveEachServerWeightManyConsecutiveBuckets()
    {
        // ip_vs_sh_reassign: X(2) Y(0) Z(1) -> X X Y Z X X Y Z ... (a weight-0 server still gets one bucket).
        final Fixture f = Fixture.of(SchedulerKind.SH, "X:2", "Y:0", "Z:1");
        final RealServer[] table = ((SourceHashScheduler)f.scheduler).table();
        final String expected = "XXYZ".repeat(64);
        final StringBuilder actual = new StringBuilder();
        for (final RealServer rs : table)
        {
            actual.append(Fixture.name(rs));
        }
        assertThat(actual.toString()).isEqualTo(expected);
    }

    @Test
    void shShouldHashTheClientAddressAndOnlyWithShPortItsPort()
    {
        // Client 203.0.113.1 -> bucket 50; table of A(1) B(1) C(1) D(1): 50 % 4 = 2 -> C.
        final Fixture f = Fixture.of(SchedulerKind.SH, "A", "B", "C", "D");
        assertThat(f.pick()).isEqualTo("C");
        final FlowKey otherPort = new FlowKey().ipv4(6, 0xCB007101, 5555, 0x01020304, 443);
        assertThat(Fixture.name(f.scheduler.pick(otherPort, 0))).as("same client, any port or VIP").isEqualTo("C");

        final Scheduler withPort = SchedulerFactory.create(SchedulerKind.SH, false, true, SchedulerOptions.DEFAULTS);
        final Fixture g = Fixture.of(withPort, "A", "B", "C", "D");
        // With sh-port: hash_32(addr + 40000) = 214, 214 % 4 = 2 -> C; port 40001 -> different bucket.
        assertThat(g.pick()).isEqualTo(Fixture.name(g.servers[214 % 4]));
        final int bucket = Hashing.hash32(0xCB007101 + 40001, 8);
        final FlowKey nextPort = new FlowKey().ipv4(6, 0xCB007101, 40001, Fixture.VIP.ipv4(), 80);
        assertThat(Fixture.name(withPort.pick(nextPort, 0))).isEqualTo(Fixture.name(g.servers[bucket % 4]));
    }

    @Test
    void shShouldDropOrFallBackWhenTheHashedServerIsUnavailable()
    {
        final Fixture plain = Fixture.of(SchedulerKind.SH, "A", "B", "C", "D");
        plain.get("C").edit(null, 0, 0, 0);
        assertThat(plain.pick()).as("no sh-fallback: no server").isEqualTo("-");

        final Fixture fallback = Fixture.of(
            SchedulerFactory.create(SchedulerKind.SH, true, false, SchedulerOptions.DEFAULTS), "A", "B", "C", "D");
        fallback.get("C").edit(null, 0, 0, 0);
        // ip_vs_sh_get_fallback: offsets 0, 1, ... added to ihash (50) before hashing again.
        String expected = "-";
        for (int offset = 0; offset < 256; offset++)
        {
            final int bucket = SourceHashScheduler.hashKey(0xCB007101, 0, (offset + 50) & 255);
            final RealServer rs = fallback.servers[bucket % 4];
            if (rs.available())
            {
                expected = Fixture.name(rs);
                break;
            }
        }
        assertThat(expected).isNotEqualTo("-").isNotEqualTo("C");
        assertThat(fallback.pick()).isEqualTo(expected);
    }

    @Test
    void hashingSchedulersShouldFoldIpv6AddressesByXor()
    {
        final Fixture f = Fixture.of(SchedulerKind.SH, "A", "B", "C", "D");
        final FlowKey v6 = new FlowKey().set(6,
            io.fleet.director.service.IpAddress.parse("client", "2001:db8::1"), 1000,
            io.fleet.director.service.IpAddress.parse("vip", "2001:db8::80"), 80);
        final int fold = 0x20010db8 ^ 1;
        assertThat(v6.srcFold()).isEqualTo(fold);
        assertThat(Fixture.name(f.scheduler.pick(v6, 0))).isEqualTo(Fixture.name(f.servers[Hashing.hash32(fold, 8) % 4]));
    }
}
