package io.fleet.director.service;

/**
 * A virtual service or real server definition that IPVS semantics do not allow. The message names the
 * field and the offending value, so that the CLI, the admin API and the config loader can report it as is.
 */
public final class InvalidServiceException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String value;

    public InvalidServiceException(final String field, final Object value, final String reason)
    {
        super(field + ": " + reason + " (got '" + value + "')");
        this.field = field;
        this.value = String.valueOf(value);
    }

    /** The name of the field at fault, as the operator writes it (for example {@code weight}). */
    public String field()
    {
        return field;
    }

    /** The rejected value, as given. */
    public String value()
    {
        return value;
    }
}
