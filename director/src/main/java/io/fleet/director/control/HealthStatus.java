package io.fleet.director.control;

import java.util.Map;

/**
 * Health of one real server of one service: the checker ({@code TCP_CHECK}, {@code HTTP_GET}, …), this
 * director's own result, every voting director's vote ({@code host:port} → up), the service's quorum rule
 * ({@code any}, {@code majority}, {@code all}), the fleet's verdict, and when this director last saw its own
 * result change (epoch milliseconds, 0 if never).
 */
public record HealthStatus(
    ServiceId service, Endpoint realServer, String checker, boolean localUp, Map<String, Boolean> votes,
    String quorum, boolean verdict, long lastChangeEpochMs)
{
    public HealthStatus
    {
        votes = Map.copyOf(votes);
    }
}
