package io.fleet.director.control;

/**
 * A refused read or change: {@link #field()} names what was wrong (a JSON field, a flag, a config key), the
 * message says why. Nothing was changed. The admin API answers it with HTTP 400 (404 when {@link #notFound()}).
 */
public final class ControlException extends RuntimeException
{
    private final String field;
    private final boolean notFound;

    public ControlException(final String field, final String reason)
    {
        this(field, reason, false);
    }

    public ControlException(final String field, final String reason, final boolean notFound)
    {
        super(field + ": " + reason);
        this.field = field;
        this.notFound = notFound;
    }

    public static ControlException notFound(final String field, final String what)
    {
        return new ControlException(field, "no such " + what, true);
    }

    public String field()
    {
        return field;
    }

    public boolean notFound()
    {
        return notFound;
    }
}
