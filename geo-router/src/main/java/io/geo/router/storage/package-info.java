/**
 * Durable storage of the sidecar: {@link io.geo.router.storage.WriteAheadLog}, an append-only log of CRC32C-checked
 * records in segment files with group commit and torn-tail recovery, and
 * {@link io.geo.router.storage.WalDurableStore}, the replica's {@link io.geo.epaxos.api.DurableStore} on it with
 * crash-safe compaction, and {@link io.geo.router.storage.WalLogStore}, a region log node's
 * {@link io.geo.epaxos.regionlog.LogStore} on it (region groups). Formats and measurements: docs/storage.md.
 */
package io.geo.router.storage;
