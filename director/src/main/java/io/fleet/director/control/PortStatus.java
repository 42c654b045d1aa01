package io.fleet.director.control;

import java.util.Map;

/** One packet port (or the proxy's listeners): frames in and out, and drops by reason (snake_case names). */
public record PortStatus(String name, String kind, long framesIn, long framesOut, Map<String, Long> drops)
{
    public PortStatus
    {
        drops = Map.copyOf(drops);
    }
}
