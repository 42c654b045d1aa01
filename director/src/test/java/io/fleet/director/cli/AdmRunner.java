package io.fleet.director.cli;

import io.fleet.director.admin.AdminFixture;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs {@code fleet adm} in-process against a fixture's admin API on loopback (real HTTP), capturing its output. */
final class AdmRunner
{
    record Result(int exit, String out, String err)
    {
    }

    private AdmRunner()
    {
    }

    static Result adm(final AdminFixture fx, final String stdin, final String... args)
    {
        return adm(Map.of("FLEET_ADMIN_URL", fx.url(), "FLEET_ADMIN_TOKEN_FILE", fx.tokenFile.toString()), stdin, args);
    }

    static Result adm(final Map<String, String> env, final String stdin, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exit = new AdmCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)), env).run(args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Splits a command line the way a shell would for these simple ones (no quoting needed). */
    static String[] words(final String line)
    {
        return line.trim().split("\\s+");
    }
}
