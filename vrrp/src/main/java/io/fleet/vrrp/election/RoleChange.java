package io.fleet.vrrp.election;

/**
 * This director's role for {@code group} went from {@code from} to {@code to}; {@code holder} is who holds the group
 * now as this director sees it, or null when nobody is eligible.
 */
public record RoleChange(String group, Role from, Role to, String holder)
{
}
