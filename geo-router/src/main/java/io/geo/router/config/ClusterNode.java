package io.geo.router.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * One node (sidecar) of a cluster, from a {@code node} line of a {@code .cluster} file: its id, its region,
 * the address its peer receiver listens on ({@code endpoint}, UDP), the address its client endpoint listens on
 * ({@code client}) and its data folder. Immutable; validated by {@link ClusterConfig#load(Path)}.
 */
public final class ClusterNode
{
    private final int id;
    private final int regionIndex;
    private final int indexInRegion;
    private final String regionName;
    private final InetSocketAddress endpoint;
    private final InetSocketAddress client;
    private final Path dataDir;
    private final int line;

    ClusterNode(
        final int id,
        final int regionIndex,
        final int indexInRegion,
        final String regionName,
        final InetSocketAddress endpoint,
        final InetSocketAddress client,
        final Path dataDir,
        final int line)
    {
        this.id = id;
        this.regionIndex = regionIndex;
        this.indexInRegion = indexInRegion;
        this.regionName = regionName;
        this.endpoint = endpoint;
        this.client = client;
        this.dataDir = dataDir;
        this.line = line;
    }

    /**
     * The node's id: within [0, node count), dense over the whole cluster. In a flat config it is also the node's
     * EPaxos replica id; in a Hydra config the replica id is the {@link #regionIndex()} (see
     * {@link ClusterConfig#hydra()}).
     */
    public int id()
    {
        return id;
    }

    /**
     * The index of the node's region in the cluster's WAN profile's region list, within [0,
     * {@link ClusterConfig#regionCount()}). In a Hydra config it is the EPaxos replica id of the node's region.
     */
    public int regionIndex()
    {
        return regionIndex;
    }

    /**
     * The node's rank by id among the nodes of its region, 0-based: within [0, size of
     * {@link ClusterConfig#regionNodes(int)} of its region). 0 for every node of a flat config. In a Hydra config
     * it is the node's id in its region log ({@link ClusterConfig#regionLogConfig(int)}).
     */
    public int indexInRegion()
    {
        return indexInRegion;
    }

    /** The name of the node's region (never an alias). */
    public String regionName()
    {
        return regionName;
    }

    /** Where the node's peer receiver listens (an Aeron subscription's {@code endpoint=}); an IPv4 literal. */
    public InetSocketAddress endpoint()
    {
        return endpoint;
    }

    /** The endpoint's IPv4 address as text, such as {@code 127.0.0.1}. */
    public String endpointHost()
    {
        return endpoint.getAddress().getHostAddress();
    }

    /** The endpoint's port, within 1..65535. */
    public int endpointPort()
    {
        return endpoint.getPort();
    }

    /** Where the node's client endpoint listens; an IPv4 literal. */
    public InetSocketAddress client()
    {
        return client;
    }

    /** The client address's IPv4 address as text. */
    public String clientHost()
    {
        return client.getAddress().getHostAddress();
    }

    /** The client address's port, within 1..65535. */
    public int clientPort()
    {
        return client.getPort();
    }

    /** The node's data folder, absolute and normalized (a relative one was resolved against the config's folder). */
    public Path dataDir()
    {
        return dataDir;
    }

    /** The line of the config file that declares this node. */
    public int line()
    {
        return line;
    }

    @Override
    public String toString()
    {
        return "node " + id + " region " + regionName + " endpoint " + endpointHost() + ":" + endpointPort() +
            " client " + clientHost() + ":" + clientPort() + " data " + dataDir;
    }
}
