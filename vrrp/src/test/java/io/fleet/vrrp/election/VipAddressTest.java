package io.fleet.vrrp.election;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(5)
class VipAddressTest
{
    @Test
    void shouldParseAndPrintLiterals()
    {
        assertThat(VipAddress.parse("10.200.0.100").toString()).isEqualTo("10.200.0.100");
        assertThat(VipAddress.parse("fd00:200::0:0:100").toString()).isEqualTo("fd00:200::100");
        assertThat(VipAddress.parse("2001:db8:0:1:0:0:0:1").toString()).isEqualTo("2001:db8:0:1::1");
        assertThat(VipAddress.parse("::1").toString()).isEqualTo("::1");
        assertThat(VipAddress.parse("fe80::").toString()).isEqualTo("fe80::");
        assertThat(VipAddress.parse("2001:db8:1:0:1:0:1:0").toString()).isEqualTo("2001:db8:1:0:1:0:1:0");
    }

    @Test
    void shouldRefuseHostNamesAndBadOctets()
    {
        assertThatThrownBy(() -> VipAddress.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VipAddress.parse("10.0.0.256")).hasMessageContaining("above 255");
        assertThatThrownBy(() -> VipAddress.parse("::ffff:10.0.0.1")).hasMessageContaining("IPv4-mapped");
    }
}
