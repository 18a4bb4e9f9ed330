/**
 * The command language applications send through JDBC (docs/command-language.md): a keyspace is a table with the
 * columns {@code key} and {@code value}, read with SELECT and written with UPSERT, INSERT, UPDATE (compare-and-set or
 * increment) and DELETE. {@link io.geo.client.sql.CommandParser#parse(String)} turns one statement into an immutable
 * {@link io.geo.client.sql.Statement}, or throws a {@link io.geo.client.sql.CommandSyntaxException} naming the
 * position, the token and what was expected.
 *
 * <p>This package ships in the dependency-free JDBC driver jar: it imports only {@code java.*} (a test checks).
 */
package io.geo.client.sql;
