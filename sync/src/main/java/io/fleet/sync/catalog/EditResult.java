package io.fleet.sync.catalog;

/**
 * Outcome of a catalog edit.
 *
 * @param status what happened.
 * @param reason the validator's reason when refused, or the failure; null otherwise.
 */
public record EditResult(Status status, String reason)
{
    public enum Status
    {
        /** Applied here, stored durably and acknowledged by a majority of directors. */
        REPLICATED,
        /** Applied and stored here; a majority did not answer in time, gossip will carry it. */
        APPLIED_LOCALLY,
        /** The validator refused it; nothing was written anywhere. */
        REFUSED,
        /** The replicator could not apply it (for example the durable store failed). */
        FAILED
    }

    public boolean applied()
    {
        return status == Status.REPLICATED || status == Status.APPLIED_LOCALLY;
    }
}
