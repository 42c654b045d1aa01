package io.fleet.simulator.drill;

/** A drill that cannot run as asked: bad scenario file, bad knob, a fleet that did not form. The message says where. */
public final class DrillException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public DrillException(final String message)
    {
        super(message);
    }

    public DrillException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
