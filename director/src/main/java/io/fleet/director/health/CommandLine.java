package io.fleet.director.health;

import java.util.ArrayList;
import java.util.List;

/** Command lines of MISC_CHECK programs and notify scripts, written as one string as in keepalived.conf. */
public final class CommandLine
{
    private CommandLine()
    {
    }

    /**
     * Splits a command line as Keepalived does for {@code misc_path} and notify scripts: words separated by
     * blanks, with single or double quotes keeping blanks inside a word.
     *
     * @throws IllegalArgumentException on an unclosed quote or an empty command.
     */
    public static List<String> split(final String line)
    {
        final List<String> words = new ArrayList<>();
        final StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (quote != 0)
            {
                if (c == quote)
                {
                    quote = 0;
                }
                else
                {
                    word.append(c);
                }
            }
            else if (c == '\'' || c == '"')
            {
                quote = c;
                inWord = true;
            }
            else if (Character.isWhitespace(c))
            {
                if (inWord)
                {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            }
            else
            {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0)
        {
            throw new IllegalArgumentException("unclosed " + quote + " in '" + line + "'");
        }
        if (inWord)
        {
            words.add(word.toString());
        }
        if (words.isEmpty())
        {
            throw new IllegalArgumentException("empty command");
        }
        return words;
    }

}
