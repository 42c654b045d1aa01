package io.fleet.director.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin API's shared secret, read once from a file (surrounding whitespace ignored). Requests are compared by
 * their SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken says nothing about how much of a
 * guess was right, not even its length.
 */
public final class BearerToken
{
    /** Shorter tokens are refused: a guessable token on an API that can delete every service is no protection. */
    public static final int MIN_LENGTH = 16;

    private final byte[] digest;

    private BearerToken(final byte[] digest)
    {
        this.digest = digest;
    }

    /**
     * Reads the token file.
     *
     * @throws IllegalArgumentException naming the file when it is missing, unreadable, empty or too short.
     */
    public static BearerToken fromFile(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("fleet.admin.token-file: cannot read " + file + ": " + ex.getMessage(), ex);
        }
        return of(file.toString(), text);
    }

    static BearerToken of(final String source, final String token)
    {
        if (token.length() < MIN_LENGTH || token.chars().anyMatch(c -> c <= ' ' || c > '~'))
        {
            throw new IllegalArgumentException("fleet.admin.token-file: " + source + " must hold one token of at least "
                + MIN_LENGTH + " printable ASCII characters without spaces");
        }
        return new BearerToken(sha256(token));
    }

    /** Whether an {@code Authorization} header value ({@code Bearer TOKEN}) carries this token; null is refused. */
    public boolean accepts(final String authorization)
    {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7))
        {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorization.substring(7).strip()));
    }

    private static byte[] sha256(final String text)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java runtime has SHA-256", ex);
        }
    }
}
