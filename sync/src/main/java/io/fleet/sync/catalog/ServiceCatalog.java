package io.fleet.sync.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

import io.fleet.sync.ClusterNode;
import io.fleet.sync.conn.HybridLogicalClock;

/**
 * The replicated service catalog: virtual services, real servers and weights as the director encodes them,
 * stored under string keys with opaque field values ({@link FieldMap}), durable in LMDB on every director. An
 * edit made on any director reaches every director, survives a whole-fleet restart, and concurrent edits of one
 * field resolve by last writer wins. Every edit passes the director's {@link CatalogValidator} against the
 * latest local state first; a refused edit is never replicated.
 */
public final class ServiceCatalog
{
    private final ClusterNode node;
    private final Key<FieldMap> key;
    private final CatalogValidator validator;
    private final Duration writeTimeout;
    private final AtomicReference<FieldMap> cache = new AtomicReference<>(FieldMap.EMPTY);
    private final List<Consumer<FieldMap>> listeners = FieldMapWatcher.newListeners();
    private final HybridLogicalClock clock = new HybridLogicalClock();
    private final ActorRef<Replicator.Command> replicator;

    private ServiceCatalog(final ClusterNode node, final CatalogValidator validator)
    {
        this.node = node;
        this.key = FieldMapKey.of(node.syncConfig().getString("catalog.key"));
        this.validator = validator;
        this.writeTimeout = node.syncConfig().getDuration("catalog.write-timeout");
        this.replicator = DistributedData.get(node.system()).replicator();
        node.system().systemActorOf(FieldMapWatcher.create(key, cache, listeners), "fleetCatalog", Props.empty());
    }

    public static ServiceCatalog start(final ClusterNode node, final CatalogValidator validator)
    {
        return new ServiceCatalog(node, validator);
    }

    /** Sets {@code field} of entry {@code key}; the value is copied. */
    public CompletionStage<EditResult> put(final String entryKey, final String field, final byte[] value)
    {
        return edit(entryKey, field, value);
    }

    /** Removes {@code field} of entry {@code key} (an entry without fields disappears from {@link #view()}). */
    public CompletionStage<EditResult> remove(final String entryKey, final String field)
    {
        return edit(entryKey, field, null);
    }

    private CompletionStage<EditResult> edit(final String entryKey, final String field, final byte[] value)
    {
        final long hlc;
        synchronized (clock)
        {
            clock.observe(cache.get().maxHlc());
            hlc = clock.tick(System.currentTimeMillis());
        }
        final int nodeId = node.nodeId();
        final byte[] copy = value == null ? null : value.clone();
        final CompletionStage<Replicator.UpdateResponse<FieldMap>> reply = AskPattern.ask(replicator,
            (ActorRef<Replicator.UpdateResponse<FieldMap>> replyTo) -> new Replicator.Update<>(key, FieldMap.EMPTY,
                new Replicator.WriteMajority(writeTimeout), replyTo, current ->
                {
                    // Validated inside the update, against the state the edit is applied to: no race with
                    // another edit arriving between a check and the write.
                    final String refusal = validator.validate(entryKey, field, copy, current.view());
                    if (refusal != null)
                    {
                        throw new EditRefused(refusal);
                    }
                    return current.set(entryKey, field, copy, hlc, nodeId);
                }),
            writeTimeout.plusSeconds(5), node.system().scheduler());
        return reply.handle((r, e) ->
        {
            if (e != null)
            {
                return new EditResult(EditResult.Status.FAILED, e.toString());
            }
            if (r instanceof Replicator.UpdateSuccess)
            {
                return new EditResult(EditResult.Status.REPLICATED, null);
            }
            if (r instanceof Replicator.UpdateTimeout)
            {
                return new EditResult(EditResult.Status.APPLIED_LOCALLY, null);
            }
            if (r instanceof Replicator.ModifyFailure<FieldMap> failure && failure.cause() instanceof EditRefused refused)
            {
                return new EditResult(EditResult.Status.REFUSED, refused.getMessage());
            }
            return new EditResult(EditResult.Status.FAILED, String.valueOf(r));
        });
    }

    /** The catalog as this node last saw it (live fields only). Never blocks. */
    public Map<String, Map<String, byte[]>> view()
    {
        return cache.get().view();
    }

    /** The field's current value here, or null. */
    public byte[] value(final String entryKey, final String field)
    {
        return cache.get().value(entryKey, field);
    }

    /** Calls {@code listener} with the whole catalog after every change (on the watcher's thread). */
    public void addListener(final Consumer<FieldMap> listener)
    {
        listeners.add(listener);
    }

    private static final class EditRefused extends RuntimeException
    {
        EditRefused(final String reason)
        {
            super(reason, null, false, false);
        }
    }
}
