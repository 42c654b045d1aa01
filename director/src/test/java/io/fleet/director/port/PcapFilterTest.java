package io.fleet.director.port;

import io.fleet.director.service.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PcapFilterTest
{
    @Test
    void shouldLetThroughArpNeighbourDiscoveryVipsLocalAddressesAndNatReplies()
    {
        final String filter = PcapFilter.of(
            List.of(IpAddress.parse("v", "198.51.100.10"), IpAddress.parse("v", "2001:db8::10")),
            List.of(IpAddress.parse("l", "192.0.2.100")),
            List.of(IpAddress.parse("r", "192.0.2.11"), IpAddress.parse("r", "192.0.2.11")));
        assertThat(filter).isEqualTo("arp or (icmp6 and (ip6[40] == 135 or ip6[40] == 136)) or dst host 198.51.100.10"
            + " or dst host 2001:db8::10 or dst host 192.0.2.100 or src host 192.0.2.11");
    }
}
