package io.fleet.director.cli;

/**
 * {@code ./fleet adm}: ipvsadm's commands, options and output for a Fleet director, through its admin API
 * ({@code --node URL}, token from {@code --token-file}). docs/adm.md maps every ipvsadm option.
 */
public final class Adm
{
    private Adm()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(new AdmCommand(System.out, System.err, System.in, System.getenv()).run(args));
    }
}
