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

/**
 * The one list of classes that may cross the wire, with fixed ids: ids are part of the wire format, so a class
 * keeps its id forever and a retired id is never reused.
 */
public final class KryoRegistrations
{
    public static final int CONNECTION_REPLICA = 100;
    public static final int FIELD_MAP = 101;

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
