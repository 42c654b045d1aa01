package io.fleet.sync.catalog;

/** How the fleet's directors' health votes for one real server combine into a verdict; set per service. */
public enum Quorum
{
    /** Up when any voting director sees it up. */
    ANY,
    /** Up when more than half of the voting directors see it up. */
    MAJORITY,
    /** Up only when every voting director sees it up. */
    ALL;

    /** The verdict for {@code upVotes} "up" votes among {@code voters} directors (a missing vote is not up). */
    public boolean up(final int upVotes, final int voters)
    {
        if (voters <= 0)
        {
            return false;
        }
        return switch (this)
        {
            case ANY -> upVotes >= 1;
            case MAJORITY -> upVotes * 2 > voters;
            case ALL -> upVotes >= voters;
        };
    }
}
