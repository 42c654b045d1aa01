package io.fleet.vrrp.track;

import java.util.ArrayList;
import java.util.List;

import io.fleet.vrrp.election.Role;

/**
 * A VIP group's notify hooks, as Keepalived's {@code notify_master}, {@code notify_backup}, {@code notify_fault} and
 * {@code notify}: the first three run as given on entering their state; {@code notify} runs on every transition with
 * four more arguments, {@code GROUP name state priority}, as Keepalived passes {@code INSTANCE name state priority}.
 * Empty lists mean no hook. All run through the {@link ScriptSupervisor} with {@code timeoutNs}.
 */
public record NotifyScripts(
    List<String> master, List<String> backup, List<String> fault, List<String> any, long timeoutNs)
{
    public static final NotifyScripts NONE = new NotifyScripts(List.of(), List.of(), List.of(), List.of(), 1);

    public NotifyScripts
    {
        master = List.copyOf(master);
        backup = List.copyOf(backup);
        fault = List.copyOf(fault);
        any = List.copyOf(any);
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("notify timeout must be > 0");
        }
    }

    /** The commands to run, in order, when {@code group} enters {@code to} at {@code priority}. */
    public List<List<String>> commands(final String group, final Role to, final int priority)
    {
        final List<List<String>> commands = new ArrayList<>(2);
        final List<String> specific = to == Role.MASTER ? master : to == Role.BACKUP ? backup : to == Role.FAULT ? fault : List.of();
        if (!specific.isEmpty())
        {
            commands.add(specific);
        }
        if (!any.isEmpty() && to != Role.INITIALIZE)
        {
            final List<String> c = new ArrayList<>(any);
            c.add("GROUP");
            c.add(group);
            c.add(to.name());
            c.add(Integer.toString(priority));
            commands.add(c);
        }
        return commands;
    }
}
