package io.fleet.sync.serial;

/**
 * Marker for every class Fleet sends between directors: {@code reference.conf} binds it to
 * {@link KryoSerializer}, and the class must also be listed in {@link KryoRegistrations}, or it is refused.
 */
public interface KryoSerializable
{
}
