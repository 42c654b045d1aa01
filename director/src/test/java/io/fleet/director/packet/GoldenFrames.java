package io.fleet.director.packet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The golden frames of {@code golden-frames.txt}, written by {@code src/test/python/golden_frames.py} from the
 * RFC layouts with its own checksum code: nothing in them comes from the code under test.
 */
final class GoldenFrames
{
    static final Map<String, byte[]> FRAMES = load();

    private GoldenFrames()
    {
    }

    static byte[] get(final String name)
    {
        final byte[] frame = FRAMES.get(name);
        if (frame == null)
        {
            throw new IllegalArgumentException("no golden frame " + name);
        }
        return frame.clone();
    }

    private static Map<String, byte[]> load()
    {
        final Map<String, byte[]> frames = new LinkedHashMap<>();
        try (InputStream in = GoldenFrames.class.getResourceAsStream("golden-frames.txt");
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)))
        {
            for (String line = reader.readLine(); line != null; line = reader.readLine())
            {
                final String[] parts = line.trim().split(" ");
                if (parts.length == 2)
                {
                    frames.put(parts[0], HexFormat.of().parseHex(parts[1]));
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return frames;
    }
}
