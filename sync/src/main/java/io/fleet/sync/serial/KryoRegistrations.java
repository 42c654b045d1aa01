package io.fleet.sync.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.MapReferenceResolver;

import io.fleet.sync.catalog.FieldMap;
import io.fleet.sync.catalog.FieldMapSerializer;
import io.fleet.sync.conn.ConnectionReplica;
import io.fleet.sync.conn.ConnectionReplicaSerializer;
import io.fleet.sync.conn.StreamMessage;
import io.fleet.sync.conn.StreamMessageSerializer;

/**
 * The one list of classes that may cross the wire, with fixed ids: ids are part of the wire format, so a class
 * keeps its id forever and a retired id is never reused.
 */
public final class KryoRegistrations
{
    public static final int CONNECTION_REPLICA = 100;
    public static final int FIELD_MAP = 101;
    public static final int STREAM_BATCH = 102;
    public static final int STREAM_STATE_REQUEST = 103;
    public static final int STREAM_RESYNC = 104;
    public static final int STREAM_CHUNK = 105;
    public static final int STREAM_END = 106;
    public static final int STREAM_DIGEST = 107;
    public static final int STREAM_REPAIR = 108;

    private KryoRegistrations()
    {
    }

    /** A Kryo instance that refuses every class not registered here, on write and on read. */
    public static Kryo newKryo()
    {
        final Kryo kryo = new Kryo(new RegisteredOnlyClassResolver(), new MapReferenceResolver());
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.register(ConnectionReplica.class, new ConnectionReplicaSerializer(), CONNECTION_REPLICA);
        kryo.register(FieldMap.class, new FieldMapSerializer(), FIELD_MAP);
        final StreamMessageSerializer stream = new StreamMessageSerializer();
        kryo.register(StreamMessage.Batch.class, stream, STREAM_BATCH);
        kryo.register(StreamMessage.StateRequest.class, stream, STREAM_STATE_REQUEST);
        kryo.register(StreamMessage.Resync.class, stream, STREAM_RESYNC);
        kryo.register(StreamMessage.Chunk.class, stream, STREAM_CHUNK);
        kryo.register(StreamMessage.StreamEnd.class, stream, STREAM_END);
        kryo.register(StreamMessage.Digest.class, stream, STREAM_DIGEST);
        kryo.register(StreamMessage.Repair.class, stream, STREAM_REPAIR);
        return kryo;
    }

    /**
     * Refuses class names in the input before they are even looked up: with registration required Kryo would
     * still load a named class (without initialising it) before refusing it; this refuses earlier.
     */
    static final class RegisteredOnlyClassResolver extends DefaultClassResolver
    {
        @Override
        protected Registration readName(final Input input)
        {
            throw new KryoException("class names are refused: only registered class ids are accepted");
        }
    }
}
