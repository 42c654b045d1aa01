package io.fleet.director.control;

import java.util.List;

/**
 * What a reload did: applied (with the summary of changes, e.g. {@code "+1 service, 2 weights changed"}) or
 * refused with every problem as {@code FILE:LINE: KEY: reason}; a refused reload changed nothing.
 */
public record ReloadResult(boolean applied, List<String> changes, List<String> problems)
{
    public ReloadResult
    {
        changes = List.copyOf(changes);
        problems = List.copyOf(problems);
    }
}
