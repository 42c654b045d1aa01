package io.fleet.sync.catalog;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Subscribes to one {@link FieldMap} key and keeps the latest value in a cache that readers on any thread use,
 * so reads never wait for the replicator; listeners hear every change.
 */
final class FieldMapWatcher
{
    private FieldMapWatcher()
    {
    }

    static Behavior<Replicator.SubscribeResponse<FieldMap>> create(
        final Key<FieldMap> key, final AtomicReference<FieldMap> cache, final List<Consumer<FieldMap>> listeners)
    {
        return Behaviors.setup(ctx ->
        {
            DistributedData.get(ctx.getSystem()).replicator().tell(new Replicator.Subscribe<>(key, ctx.getSelf()));
            return Behaviors.receive((c, msg) ->
            {
                if (msg instanceof Replicator.Changed<FieldMap> changed)
                {
                    final FieldMap value = changed.dataValue();
                    cache.set(value);
                    for (final Consumer<FieldMap> l : listeners)
                    {
                        try
                        {
                            l.accept(value);
                        }
                        catch (final RuntimeException e)
                        {
                            c.getLog().error("field map listener failed", e);
                        }
                    }
                }
                return Behaviors.same();
            });
        });
    }

    static List<Consumer<FieldMap>> newListeners()
    {
        return new CopyOnWriteArrayList<>();
    }
}
