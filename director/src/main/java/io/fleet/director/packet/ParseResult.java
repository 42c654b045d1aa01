package io.fleet.director.packet;

/**
 * The code {@link PacketParser#parse} returns: {@link #OK}, or a {@link ParseError} ordinal. An {@code int}
 * rather than an enum reference so that the caller can index a counter array with it directly.
 */
public final class ParseResult
{
    /** The frame parsed; every field of the {@link ParsedPacket} that applies is set. */
    public static final int OK = -1;

    private ParseResult()
    {
    }

    /** The code's name, for logs and reports (off the packet path). */
    public static String describe(final int code)
    {
        if (code == OK)
        {
            return "OK";
        }
        final ParseError error = ParseError.of(code);
        return error == null ? "UNKNOWN(" + code + ")" : error.name();
    }
}
