/**
 * The director's control plane as the outer layers see it: {@link io.fleet.director.control.DirectorControl} is
 * what the admin API, {@code /metrics}, health checking and {@code fleet adm} use to read and change a running
 * director; the records here are the values that cross it. Nothing in this package touches Pekko, Netty or a
 * socket: a daemon implements the interface, tests may implement it in memory.
 */
package io.fleet.director.control;
