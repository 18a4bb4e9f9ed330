package io.geo.epaxos.api;

/** Why a client command was not executed. In every case the command certainly took no effect. */
public enum Rejection
{
    /** The command breaks a limit (ops, key or value size, command size). */
    INVALID,
    /** Too many commands in flight at this replica; retry later. */
    OVERLOADED,
    /** Recovery committed a no-op in the command's instance (its leader was presumed failed). */
    ABORTED
}
