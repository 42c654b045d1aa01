package io.fleet.director.service;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpAddressTest
{
    @Test
    void shouldParseAndPrintIpv4()
    {
        final IpAddress a = IpAddress.parse("vip", "192.168.80.200");
        assertThat(a.isIpv6()).isFalse();
        assertThat(a.ipv4()).isEqualTo(0xC0A850C8);
        assertThat(a).hasToString("192.168.80.200");
        assertThat(a.mask(24)).hasToString("192.168.80.0");
    }

    @Test
    void shouldParseAndPrintIpv6Compressed()
    {
        final IpAddress a = IpAddress.parse("vip", "[2001:0db8:0:0:0:0:0:0001]");
        assertThat(a.isIpv6()).isTrue();
        assertThat(a).hasToString("2001:db8::1");
        assertThat(a.fold()).isEqualTo(0x20010db8 ^ 1);
        assertThat(a.mask(16)).hasToString("2001::");
        assertThat(IpAddress.parse("vip", "::")).hasToString("::");
    }

    @Test
    void shouldRejectNonLiteralsWithoutLookingThemUp()
    {
        assertThatThrownBy(() -> IpAddress.parse("vip", "example.com")).hasMessageContaining("vip").hasMessageContaining("'example.com'");
        assertThatThrownBy(() -> IpAddress.parse("vip", "1.2.3.256")).hasMessageContaining("256");
        assertThatThrownBy(() -> IpAddress.parse("vip", "1.2.3")).hasMessageContaining("'1.2.3'");
        assertThatThrownBy(() -> IpAddress.parse("vip", "fe80::1%eth0")).hasMessageContaining("IPv6");
        assertThatThrownBy(() -> IpAddress.parse("vip", "")).hasMessageContaining("required");
    }
}
