package io.fleet.director.conn;

import io.fleet.director.service.IpAddress;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalPortPoolTest
{
    private final LocalPortPool pool = new LocalPortPool(
        new IpAddress[] {IpAddress.parse("local", "10.0.255.1"), IpAddress.parse("local", "10.0.255.2")}, 2000, 2009);

    @Test
    void shouldNeverHandOutOnePairTwiceAndSayWhenExhausted()
    {
        final Set<Long> taken = new HashSet<>();
        for (int i = 0; i < 20; i++)
        {
            final long pair = pool.allocate();
            assertThat(pair).isNotEqualTo(LocalPortPool.EXHAUSTED);
            assertThat(taken.add(pair)).isTrue();
        }
        assertThat(pool.allocate()).isEqualTo(LocalPortPool.EXHAUSTED);
        assertThat(pool.available()).isZero();
    }

    @Test
    void shouldAlternateAddressesAndReuseTheLongestFreedPortLast()
    {
        final long first = pool.allocate();
        final long second = pool.allocate();
        assertThat(first >>> 16).isZero();
        assertThat(second >>> 16).isEqualTo(1);
        assertThat(first & 0xFFFF).isEqualTo(2000);
        pool.release(0, 2000);
        final StringBuilder address0 = new StringBuilder();
        for (int i = 0; i < 20; i++)
        {
            final long pair = pool.allocate();
            if (pair >>> 16 == 0)
            {
                address0.append(pair & 0xFFFF).append(' ');
            }
        }
        // 2000 was freed last, so it comes back after 2001..2009.
        assertThat(address0.toString().trim()).isEqualTo("2001 2002 2003 2004 2005 2006 2007 2008 2009 2000");
        assertThat(pool.allocated(0, 2000)).isTrue();
    }

    @Test
    void shouldRefuseReleasingAPairThatIsNotTaken()
    {
        assertThatThrownBy(() -> pool.release(0, 2005)).isInstanceOf(IllegalStateException.class);
        final long pair = pool.allocate();
        pool.release((int)(pair >>> 16), (int)(pair & 0xFFFF));
        assertThatThrownBy(() -> pool.release((int)(pair >>> 16), (int)(pair & 0xFFFF))).isInstanceOf(IllegalStateException.class);
        assertThat(pool.indexOf(0, 0, 0, 0x0A00FF02)).isEqualTo(1);
    }
}
