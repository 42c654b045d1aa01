package io.fleet.director.control;

import java.util.List;

/** A slice of a longer list: {@code items} start at {@code offset} of {@code total}. */
public record Page<T>(List<T> items, long total, long offset)
{
    public Page
    {
        items = List.copyOf(items);
    }
}
