package io.fleet.director.port;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ethernet frames in VXLAN (RFC 7348) over a UDP socket: unprivileged, and interoperable with a Linux {@code vxlan}
 * device. Received datagrams are checked (the I flag set, the configured VNI), their inner frame queued for the
 * worker; the sender of each inner source MAC is learned, as a VTEP's forwarding table is, so a frame to a known
 * MAC goes to its VTEP and others go to every configured remote.
 *
 * <pre>
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|R|R|R|I|R|R|R|            Reserved                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class VxlanPort implements Port
{
    /** IANA port for VXLAN. */
    public static final int DEFAULT_PORT = 4789;
    static final int HEADER_LENGTH = 8;
    static final int FLAG_VNI = 0x08;

    private final String name;
    private final int vni;
    private final int vtepPort;
    private final List<InetSocketAddress> remotes;
    private final EventLoopGroup group;
    private final Channel channel;
    private final ReceiveRing ring;
    private final PortCounters counters = new PortCounters();
    private final ConcurrentHashMap<Long, InetSocketAddress> learned = new ConcurrentHashMap<>();

    /**
     * Binds the socket.
     *
     * @param local   address and UDP port to receive on (4789 by default).
     * @param remotes VTEPs to send to when the destination MAC is not learned yet.
     * @param vni     the VXLAN network identifier, 0..16777215.
     */
    public VxlanPort(final InetSocketAddress local, final List<InetSocketAddress> remotes, final int vni, final int ringBytes)
        throws InterruptedException
    {
        if (vni < 0 || vni > 0xFF_FFFF)
        {
            throw new IllegalArgumentException("vni must be 0..16777215, got " + vni);
        }
        this.name = "vxlan:" + local.getAddress().getHostAddress() + ":" + local.getPort() + "/" + vni;
        this.vni = vni;
        this.remotes = List.copyOf(remotes);
        this.vtepPort = remotes.isEmpty() ? DEFAULT_PORT : remotes.get(0).getPort();
        this.ring = new ReceiveRing(ringBytes);
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
            .handler(new Receiver());
        try
        {
            this.channel = b.bind(local).sync().channel();
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            throw ex;
        }
    }

    /** The receive side: runs on the port's event loop, the only producer of the ring. */
    private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket>
    {
        private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        private byte[] copy = new byte[2048];

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final DatagramPacket packet)
        {
            final ByteBuf content = packet.content();
            final int length = content.readableBytes();
            if (length < HEADER_LENGTH + 14 || (content.getByte(content.readerIndex()) & FLAG_VNI) == 0
                || (content.getInt(content.readerIndex() + 4) >>> 8) != vni)
            {
                counters.dropped(PortCounters.Drop.BAD_ENCAPSULATION);
                return;
            }
            counters.received();
            final int frameLength = length - HEADER_LENGTH;
            if (copy.length < frameLength)
            {
                copy = new byte[Math.max(frameLength, 2 * copy.length)];
            }
            content.getBytes(content.readerIndex() + HEADER_LENGTH, copy, 0, frameLength);
            // Learn the sender's VTEP address, at the VXLAN port: its source port is only for entropy (RFC 7348
            // section 5), a Linux VTEP sends from a hashed port and listens on 4789.
            final long sourceMac = macAt(copy, 6);
            final InetSocketAddress known = learned.get(sourceMac);
            if (known == null || !known.getAddress().equals(packet.sender().getAddress()))
            {
                learned.put(sourceMac, new InetSocketAddress(packet.sender().getAddress(), vtepPort));
            }
            view.wrap(copy, 0, frameLength);
            if (!ring.offer(view, 0, frameLength))
            {
                counters.dropped(PortCounters.Drop.QUEUE_FULL);
            }
        }
    }

    private static long macAt(final byte[] b, final int at)
    {
        long mac = 0;
        for (int i = 0; i < 6; i++)
        {
            mac = mac << 8 | (b[at + i] & 0xFF);
        }
        return mac;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public int poll(final FrameHandler handler, final int limit)
    {
        return ring.drain(handler, limit);
    }

    @Override
    public void send(final DirectBuffer buffer, final int offset, final int length)
    {
        long dst = 0;
        for (int i = 0; i < 6; i++)
        {
            dst = dst << 8 | (buffer.getByte(offset + i) & 0xFF);
        }
        final InetSocketAddress known = (dst & 0x0100_0000_0000L) == 0 ? learned.get(dst) : null;
        if (known != null)
        {
            write(known, buffer, offset, length);
        }
        else
        {
            for (final InetSocketAddress remote : remotes)
            {
                write(remote, buffer, offset, length);
            }
        }
    }

    private void write(final InetSocketAddress to, final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuf out = channel.alloc().buffer(HEADER_LENGTH + length);
        out.writeInt(FLAG_VNI << 24);
        out.writeInt(vni << 8);
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            out.writeBytes(array, (int)buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                out.writeByte(buffer.getByte(offset + i));
            }
        }
        channel.writeAndFlush(new DatagramPacket(out, to)).addListener(f ->
        {
            if (f.isSuccess())
            {
                counters.sent();
            }
            else
            {
                counters.dropped(PortCounters.Drop.SEND_FAILED);
            }
        });
    }

    @Override
    public PortCounters counters()
    {
        return counters;
    }

    @Override
    public void close()
    {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
