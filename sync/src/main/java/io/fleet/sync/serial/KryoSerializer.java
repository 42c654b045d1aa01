package io.fleet.sync.serial;

import java.io.NotSerializableException;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;

import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer on Kryo 5 with class registration required: the payload names its class by a registered id
 * only, so bytes from the network can never make the JVM load or instantiate a class that is not in
 * {@link KryoRegistrations} (Java serialization stays disabled). Kryo instances are not thread-safe and are
 * pooled.
 */
public final class KryoSerializer extends JSerializer
{
    /** Pekko serializer id, also in {@code reference.conf}. */
    public static final int IDENTIFIER = 7301;

    private static final Pool<Kryo> KRYOS = new Pool<>(true, false, 16)
    {
        @Override
        protected Kryo create()
        {
            return KryoRegistrations.newKryo();
        }
    };

    @Override
    public int identifier()
    {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest()
    {
        return false;
    }

    @Override
    public byte[] toBinary(final Object o)
    {
        final Kryo kryo = KRYOS.obtain();
        try
        {
            final Output out = new Output(256, -1);
            kryo.writeClassAndObject(out, o);
            return out.toBytes();
        }
        catch (final KryoException e)
        {
            throw new IllegalArgumentException("refusing to serialize " + o.getClass().getName() + ": " +
                e.getMessage(), e);
        }
        finally
        {
            KRYOS.free(kryo);
        }
    }

    @Override
    public Object fromBinaryJava(final byte[] bytes, final Class<?> manifest)
    {
        final Kryo kryo = KRYOS.obtain();
        try
        {
            return kryo.readClassAndObject(new Input(bytes));
        }
        catch (final KryoException | IllegalArgumentException e)
        {
            throw new IllegalArgumentException(new NotSerializableException("refused payload: " + e.getMessage()));
        }
        finally
        {
            KRYOS.free(kryo);
        }
    }
}
