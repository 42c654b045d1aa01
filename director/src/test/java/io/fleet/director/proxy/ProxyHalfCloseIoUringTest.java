package io.fleet.director.proxy;

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link ProxyHalfCloseTest} on Netty's io_uring transport, where the kernel allows it. */
class ProxyHalfCloseIoUringTest extends ProxyHalfCloseTest
{
    @BeforeEach
    void needIoUring()
    {
        assumeTrue(IoUring.isAvailable(), "io_uring does not load here (kernel, seccomp or io_uring_disabled)");
    }

    @Override
    ProxyConfig config()
    {
        return super.config().preferIoUring(true);
    }

    @Override
    String expectedTransport()
    {
        return "io_uring";
    }
}
