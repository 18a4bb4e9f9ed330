package io.geo.router.sidecar;

import io.geo.router.config.ClusterConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sidecars of a cluster config in this JVM, each on a thread of its own with its own embedded media driver:
 * the real runtime (Aeron, write-ahead log, Chronicle Map, client endpoint) without process start-up costs. Nodes
 * can be stopped and started again on the same data. Close stops all.
 */
public final class InProcessCluster implements AutoCloseable
{
    private final ClusterConfig config;
    private final Node[] nodes;

    private static final class Node
    {
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch stopped = new CountDownLatch(1);
        Thread thread;
        Sidecar sidecar;
        volatile Throwable failure;
    }

    private InProcessCluster(final ClusterConfig config)
    {
        this.config = config;
        this.nodes = new Node[config.nodeCount()];
    }

    /** Starts every node of {@code configFile} and waits until each is connected to all its peers. */
    public static InProcessCluster start(final Path configFile) throws Exception
    {
        final InProcessCluster cluster = new InProcessCluster(ClusterConfig.load(configFile, TestClusters.configDir()));
        try
        {
            for (int node = 0; node < cluster.nodes.length; node++)
            {
                cluster.startNode(node);
            }
            cluster.awaitConnected(60);
        }
        catch (final Exception | Error ex)
        {
            cluster.close();
            throw ex;
        }
        return cluster;
    }

    public ClusterConfig config()
    {
        return config;
    }

    /** {@code jdbc:geo://} URL naming the given nodes' client endpoints. */
    public String url(final int... nodeIds)
    {
        final List<String> hosts = new ArrayList<>();
        for (final int id : nodeIds)
        {
            hosts.add("127.0.0.1:" + config.node(id).client().getPort());
        }
        return "jdbc:geo://" + String.join(",", hosts) + "/";
    }

    /** Starts node {@code id} (again) on its data folder. */
    public void startNode(final int id) throws Exception
    {
        final Node node = new Node();
        node.sidecar = Sidecar.start(config, id);
        node.thread = new Thread(() ->
        {
            try
            {
                node.sidecar.run(node.stop::get, 0, null);
            }
            catch (final Throwable t)
            {
                node.failure = t;
            }
            finally
            {
                try
                {
                    node.sidecar.close();
                }
                catch (final RuntimeException ex)
                {
                    if (node.failure == null)
                    {
                        node.failure = ex;
                    }
                }
                node.stopped.countDown();
            }
        }, "sidecar-" + id);
        node.thread.setDaemon(true);
        nodes[id] = node;
        node.thread.start();
    }

    /** Stops node {@code id} cleanly (its duty cycle ends, storage and endpoints close). */
    public void stopNode(final int id) throws InterruptedException
    {
        final Node node = nodes[id];
        if (node == null)
        {
            return;
        }
        node.stop.set(true);
        if (!node.stopped.await(30, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("node " + id + " did not stop within 30 s");
        }
        nodes[id] = null;
        if (node.failure != null)
        {
            throw new IllegalStateException("node " + id + " failed: " + node.failure, node.failure);
        }
    }

    /** Waits until every running node's publications reach every other running node. */
    public void awaitConnected(final int seconds) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadlineNs)
        {
            boolean all = true;
            for (final Node node : nodes)
            {
                if (node != null && node.failure != null)
                {
                    throw new IllegalStateException("a node failed: " + node.failure, node.failure);
                }
                if (node != null && node.sidecar.connectedPeerCount() < running() - 1)
                {
                    all = false;
                }
            }
            if (all)
            {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("nodes not connected within " + seconds + " s");
    }

    private int running()
    {
        int count = 0;
        for (final Node node : nodes)
        {
            count += node == null ? 0 : 1;
        }
        return count;
    }

    @Override
    public void close() throws InterruptedException
    {
        IllegalStateException failure = null;
        for (int id = 0; id < nodes.length; id++)
        {
            try
            {
                stopNode(id);
            }
            catch (final IllegalStateException ex)
            {
                failure = failure == null ? ex : failure;
            }
        }
        if (failure != null)
        {
            throw failure;
        }
    }
}
