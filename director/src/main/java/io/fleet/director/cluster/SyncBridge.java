package io.fleet.director.cluster;

import io.fleet.director.conn.ConnectionRecord;
import io.fleet.director.conn.TcpState;
import io.fleet.director.forward.ForwardingCore;
import io.fleet.director.service.ForwardingMethod;
import io.fleet.sync.conn.ConnectionChange;
import io.fleet.sync.conn.ConnectionState;
import io.fleet.sync.conn.ConnectionSync;
import io.fleet.sync.conn.RemoteConnectionListener;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Joins one forwarding core to the fleet's replicated connection state. Outbound, it drains the core's event
 * queue and offers each change to {@code sync} (whose policy decides what travels and when); inbound, it is the
 * {@link RemoteConnectionListener} that puts other directors' records into the core's inbound queue, which the
 * worker applies itself, so the worker stays the only writer of its table.
 *
 * <p>The key {@code sync} maps from is the record's identity: its first two bytes (version, family, template
 * flag; protocol) and the client address, ports and VIP address.
 */
public final class SyncBridge implements RemoteConnectionListener
{
    private final RingBuffer events;
    private final RingBuffer remote;
    private ConnectionSync sync;
    private final ConnectionRecord.View view = new ConnectionRecord.View();
    private final ConnectionChange change = new ConnectionChange();
    private final UnsafeBuffer inbound = new UnsafeBuffer(new byte[0]);
    private long offered;
    private long refused;
    private long remoteDropped;

    /**
     * @param core the core; it must have been configured with a sync ring ({@code ForwardingConfig.syncRing}).
     */
    public SyncBridge(final ForwardingCore core)
    {
        if (core.events() == null)
        {
            throw new IllegalArgumentException("the forwarding core has no sync queues (ForwardingConfig.syncRing)");
        }
        this.events = core.events();
        this.remote = core.remote();
    }

    /**
     * Where outbound changes go ({@code ConnectionReplication}); set once replication has started with this bridge
     * as its listener. Until then {@link #drain} leaves the events queued.
     */
    public SyncBridge sync(final ConnectionSync connectionSync)
    {
        this.sync = connectionSync;
        return this;
    }

    /**
     * Moves up to {@code limit} events from the core to sync; call from one thread (the events queue has one
     * reader).
     *
     * @return events moved.
     */
    public int drain(final int limit)
    {
        if (sync == null)
        {
            return 0;
        }
        return events.read(this::onEvent, limit);
    }

    private void onEvent(final int type, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        if (!view.wrap(buffer, offset, length))
        {
            return;
        }
        final byte[] record = new byte[length];
        buffer.getBytes(offset, record);
        final int address = view.ipv6() ? 16 : 4;
        final byte[] key = new byte[2 + 4 + 2 * address];
        key[0] = record[0];
        key[1] = record[1];
        System.arraycopy(record, 4, key, 2, 4 + 2 * address);
        final boolean tcp = view.protocol() == 6;
        final ConnectionState state = type == ForwardingCore.EVENT_CLOSED ? ConnectionState.CLOSED
            : tcp ? classOf(view.state()) : ConnectionState.ESTABLISHED;
        final boolean keepsMapping = view.method() == ForwardingMethod.NAT.ordinal()
            || view.method() == ForwardingMethod.FULLNAT.ordinal();
        change.key(key).record(record).expiryMs(view.expiryEpochS() * 1000L).protocol(view.protocol()).state(state)
            .stateChanged(type != ForwardingCore.EVENT_CLOSED).keepsMapping(keepsMapping)
            // The core's records carry no packet counts; a UDP flow the core reports has been forwarded at least once
            // each way as far as sync's policy is concerned.
            .packetsIn(2).packetsOut(tcp ? 0 : 1).syncedExpiryMs(0);
        if (sync.offer(change).replicate())
        {
            offered++;
        }
        else
        {
            refused++;
        }
    }

    /** TCP state (IPVS's) to the coarse class sync's policy reads. */
    static ConnectionState classOf(final int tcpState)
    {
        switch (tcpState)
        {
            case TcpState.ESTABLISHED: return ConnectionState.ESTABLISHED;
            case TcpState.SYN_RECV: case TcpState.SYNACK: return ConnectionState.HALF_OPEN;
            case TcpState.FIN_WAIT: case TcpState.CLOSE_WAIT: case TcpState.LAST_ACK: case TcpState.TIME_WAIT:
                return ConnectionState.CLOSING;
            case TcpState.CLOSE: return ConnectionState.CLOSED;
            default: return ConnectionState.NEW;
        }
    }

    /** Called by sync's replicator (one thread): queue the record for the worker, never block. */
    @Override
    public void onRemoteRecord(final byte[] key, final byte[] record, final long expiryMs)
    {
        inbound.wrap(record);
        if (!remote.write(ForwardingCore.REMOTE_RECORD, inbound, 0, record.length))
        {
            remoteDropped++;
        }
    }

    /** Changes sync accepted for replication. */
    public long offered()
    {
        return offered;
    }

    /** Changes sync's policy or queue did not take (not yet worth syncing, or the queue was full). */
    public long refused()
    {
        return refused;
    }

    /** Remote records dropped because the worker's inbound queue was full. */
    public long remoteDropped()
    {
        return remoteDropped;
    }
}
