package io.geo.epaxos.hydra;

import java.util.Arrays;

/**
 * Which region each node of a cluster of region groups is in, and the derived numbering every host needs: a region's
 * nodes in increasing id order, and each node's index within its region (its region log node id). Immutable.
 */
public final class RegionLayout
{
    private final int[] regionOfNode;
    private final int[] indexInRegion;
    private final int[][] regionNodes;

    /**
     * @param regionOfNode per node id, its region (0..regions-1; the region count is the highest plus one). Copied.
     * @throws IllegalArgumentException for a negative region or one beyond the node count.
     */
    public RegionLayout(final int[] regionOfNode)
    {
        this.regionOfNode = regionOfNode.clone();
        this.indexInRegion = new int[regionOfNode.length];
        final int regions = Arrays.stream(regionOfNode).max().orElse(-1) + 1;
        final int[] counts = new int[regions];
        for (int node = 0; node < regionOfNode.length; node++)
        {
            final int region = regionOfNode[node];
            if (region < 0 || region >= regionOfNode.length)
            {
                throw new IllegalArgumentException("region of node " + node + " must be within [0, " +
                    (regionOfNode.length - 1) + "]: " + region);
            }
            indexInRegion[node] = counts[region]++;
        }
        this.regionNodes = new int[regions][];
        for (int region = 0; region < regions; region++)
        {
            regionNodes[region] = new int[counts[region]];
        }
        for (int node = 0; node < regionOfNode.length; node++)
        {
            regionNodes[regionOfNode[node]][indexInRegion[node]] = node;
        }
    }

    public int nodeCount()
    {
        return regionOfNode.length;
    }

    public int regionCount()
    {
        return regionNodes.length;
    }

    public int regionOf(final int node)
    {
        return regionOfNode[node];
    }

    /** The node's index within its region: 0 for its lowest id, and so on. */
    public int indexInRegion(final int node)
    {
        return indexInRegion[node];
    }

    /** How many nodes {@code region} has. */
    public int regionSize(final int region)
    {
        return regionNodes[region].length;
    }

    /** The node id of the {@code index}-th node of {@code region}. */
    public int node(final int region, final int index)
    {
        return regionNodes[region][index];
    }
}
