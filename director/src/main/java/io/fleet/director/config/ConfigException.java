package io.fleet.director.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found: each names the file, the line and the key.
 * Nothing is applied when this is thrown.
 */
public final class ConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(final List<String> problems)
    {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem: {@code file:line: key: what is wrong}. */
    public List<String> problems()
    {
        return problems;
    }
}
