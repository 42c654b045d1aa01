package io.fleet.sync.vip;

/**
 * What the fleet agrees on for one VIP group: who holds it since which term. A director writes a claim only for
 * itself, with the next term after the one it has seen; when two claims of one term cross, the one written by the
 * higher node id wins everywhere ({@link HolderClaims}), so every director converges on one holder.
 *
 * @param term         the claim's term, 1 for the first claim of a group; a later claim has a higher term.
 * @param holder       the director that claims the group (node id {@code host:port}).
 * @param from         the holder the claim takes the group from, or null when it took it from nobody.
 * @param releasedTerm the highest term {@code from}'s director acknowledged as released, 0 for none: the claimant takes
 *                     the group once {@code releasedTerm >= term} (release before take).
 */
public record Claim(long term, String holder, String from, long releasedTerm)
{
    public Claim
    {
        if (term < 1 || holder == null || holder.isEmpty())
        {
            throw new IllegalArgumentException("claim needs a term >= 1 and a holder (got " + term + ", " + holder + ")");
        }
    }

    /** Whether the holder this claim took the group from has released it for this claim. */
    public boolean released()
    {
        return from == null || releasedTerm >= term;
    }
}
