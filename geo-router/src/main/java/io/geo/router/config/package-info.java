/**
 * The cluster configuration a sidecar process and {@code geo cluster up} read: a line-based {@code .cluster} file
 * (format: {@code docs/cluster-config.md}) loaded and validated once into an immutable {@link
 * io.geo.router.config.ClusterConfig}. Every error is a {@link io.geo.router.config.ClusterConfigException} whose
 * message is one line naming the file, the line and the bad value.
 */
package io.geo.router.config;
