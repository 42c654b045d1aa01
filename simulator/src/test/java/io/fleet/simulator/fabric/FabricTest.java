package io.fleet.simulator.fabric;

import io.fleet.director.packet.EthernetHeader;
import io.fleet.director.packet.FrameWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The learning switch: flooding until a MAC is learned, partitions, dark ports, latency, seeded loss. */
@Timeout(10)
class FabricTest
{
    private static final long A = 0x02_00_00_00_00_0AL;
    private static final long B = 0x02_00_00_00_00_0BL;
    private static final long C = 0x02_00_00_00_00_0CL;

    private final List<List<byte[]>> received = new ArrayList<>();

    private int attach(final Fabric f, final String name)
    {
        final List<byte[]> inbox = new ArrayList<>();
        received.add(inbox);
        return f.attach(name, (frame, now) -> inbox.add(frame));
    }

    private static byte[] frame(final long from, final long to)
    {
        return FrameWriter.frame().macs(from, to).ipv4(0x0A00_0001, 0x0A00_0002).udp(1, 2, new byte[] {1});
    }

    @Test
    void shouldFloodUnknownUnicastUntilTheDestinationHasSpoken()
    {
        final Fabric f = new Fabric(0, 0, 1);
        final int a = attach(f, "a");
        final int b = attach(f, "b");
        attach(f, "c");
        f.transmit(a, frame(A, B), 0);
        f.deliver(0);
        assertThat(received.get(1)).hasSize(1);
        assertThat(received.get(2)).as("flooded: B's port is not known yet").hasSize(1);
        assertThat(f.framesFlooded()).isEqualTo(1);
        f.transmit(b, frame(B, A), 0);
        f.transmit(a, frame(A, B), 0);
        f.deliver(0);
        assertThat(received.get(0)).as("A was learned from its first frame").hasSize(1);
        assertThat(received.get(1)).hasSize(2);
        assertThat(received.get(2)).as("B learned: no more flooding").hasSize(1);
    }

    @Test
    void shouldSendBroadcastsToEveryOtherPortEachItsOwnCopy()
    {
        final Fabric f = new Fabric(0, 0, 1);
        final int a = attach(f, "a");
        attach(f, "b");
        attach(f, "c");
        final byte[] garp = FrameWriter.frame().macs(A, EthernetHeader.BROADCAST_MAC).gratuitousArp(0xC633_640A);
        f.transmit(a, garp, 0);
        f.deliver(0);
        assertThat(received.get(0)).isEmpty();
        assertThat(received.get(1)).hasSize(1);
        assertThat(received.get(2)).hasSize(1);
        assertThat(received.get(1).get(0)).isEqualTo(garp).isNotSameAs(received.get(2).get(0));
    }

    @Test
    void shouldDropFramesBetweenSidesOfAPartitionUntilItHeals()
    {
        final Fabric f = new Fabric(0, 0, 1);
        final int a = attach(f, "a");
        final int b = attach(f, "b");
        final int c = attach(f, "c");
        f.transmit(b, frame(B, A), 0);
        f.transmit(c, frame(C, A), 0);
        f.deliver(0);
        received.forEach(List::clear);
        f.partition(Map.of(a, 1));
        f.transmit(b, frame(B, A), 0);
        f.transmit(c, frame(C, B), 0);
        f.deliver(0);
        assertThat(received.get(0)).as("a is cut off").isEmpty();
        assertThat(received.get(1)).as("b and c are on the same side").hasSize(1);
        assertThat(f.framesPartitioned()).isEqualTo(1);
        f.heal();
        f.transmit(b, frame(B, A), 0);
        f.deliver(0);
        assertThat(received.get(0)).hasSize(1);
    }

    @Test
    void shouldLoseFramesToADarkPortAndHoldFramesForTheLatency()
    {
        final Fabric f = new Fabric(1_000_000, 0, 1);
        final int a = attach(f, "a");
        final int b = attach(f, "b");
        f.transmit(a, frame(A, B), 0);
        assertThat(f.deliver(999_999)).as("before the latency has passed").isZero();
        assertThat(f.deliver(1_000_000)).isEqualTo(1);
        f.up(b, false);
        f.transmit(a, frame(A, B), 2_000_000);
        f.deliver(5_000_000);
        assertThat(received.get(1)).hasSize(1);
        assertThat(f.framesDark()).isEqualTo(1);
        f.transmit(b, frame(B, A), 5_000_000);
        assertThat(f.framesSent()).as("a dark port sends nothing").isEqualTo(2);
    }

    @Test
    void shouldLoseTheSeededShareOfFrames()
    {
        final long[] lost = new long[2];
        for (int run = 0; run < 2; run++)
        {
            final Fabric f = new Fabric(0, 0.2, 42);
            final int a = f.attach("a", (frame, now) -> { });
            final int b = f.attach("b", (frame, now) -> { });
            f.transmit(b, frame(B, A), 0);
            for (int i = 0; i < 10_000; i++)
            {
                f.transmit(a, frame(A, B), 0);
            }
            f.deliver(0);
            lost[run] = f.framesLost();
        }
        assertThat(lost[0]).isBetween(1_800L, 2_200L).isEqualTo(lost[1]);
    }
}
