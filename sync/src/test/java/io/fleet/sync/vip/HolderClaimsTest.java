package io.fleet.sync.vip;

import io.fleet.sync.catalog.FieldMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule for crossing claims: every replica, whatever order it merges in, names the same holder. */
@Timeout(10)
class HolderClaimsTest
{
    @Test
    void shouldPickTheSameHolderWhenTwoClaimsOfOneTermCrossWhicheverMergesFirst()
    {
        // d1 (node id 7) and d3 (node id 3) both saw term 4 and both claim term 5.
        final FieldMap byD1 = HolderClaims.claim(FieldMap.EMPTY, "web", 5, "d1", "d2", 7);
        final FieldMap byD3 = HolderClaims.claim(FieldMap.EMPTY, "web", 5, "d3", "d2", 3);
        final Claim a = HolderClaims.read(byD1.mergeData(byD3)).get("web");
        final Claim b = HolderClaims.read(byD3.mergeData(byD1)).get("web");
        assertThat(a).isEqualTo(b);
        assertThat(a.holder()).as("the higher node id wins a tie").isEqualTo("d1");
        assertThat(a.term()).isEqualTo(5);
        assertThat(a.from()).isEqualTo("d2");
    }

    @Test
    void shouldLetAHigherTermWinOverAHigherNodeId()
    {
        final FieldMap old = HolderClaims.claim(FieldMap.EMPTY, "web", 5, "d1", null, 99);
        final FieldMap newer = HolderClaims.claim(FieldMap.EMPTY, "web", 6, "d2", "d1", 1);
        assertThat(HolderClaims.read(old.mergeData(newer)).get("web").holder()).isEqualTo("d2");
        assertThat(HolderClaims.read(newer.mergeData(old)).get("web").holder()).isEqualTo("d2");
        // A director that missed term 6 and claims 6 again from a stale view still converges with the others.
        final FieldMap stale = HolderClaims.claim(old, "web", 6, "d3", "d1", 2);
        assertThat(HolderClaims.read(stale.mergeData(newer))).isEqualTo(HolderClaims.read(newer.mergeData(stale)));
        assertThat(HolderClaims.read(stale.mergeData(newer)).get("web").holder()).isEqualTo("d3");
    }

    @Test
    void shouldCountAReleaseOnlyFromTheHolderTheClaimTookTheGroupFrom()
    {
        final FieldMap claimed = HolderClaims.claim(FieldMap.EMPTY, "web", 3, "d2", "d1", 2);
        assertThat(HolderClaims.read(claimed).get("web").released()).isFalse();
        final FieldMap byOther = HolderClaims.released(claimed, "web", 3, "d3", 3);
        assertThat(HolderClaims.read(byOther).get("web").released()).as("d3 never held it").isFalse();
        final FieldMap byOld = HolderClaims.released(claimed, "web", 3, "d1", 1);
        assertThat(HolderClaims.read(byOld).get("web").releasedTerm()).isEqualTo(3);
        assertThat(HolderClaims.read(byOld).get("web").released()).isTrue();
        // An acknowledgement of an older claim does not release a newer one.
        final FieldMap next = HolderClaims.claim(byOld, "web", 4, "d3", "d1", 3);
        assertThat(HolderClaims.read(next).get("web").released()).isFalse();
        assertThat(HolderClaims.read(HolderClaims.claim(FieldMap.EMPTY, "web", 1, "d1", null, 1)).get("web").released())
            .as("a claim from nobody needs no release").isTrue();
    }
}
