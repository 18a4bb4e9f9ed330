package io.geo.wan;

import java.io.File;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable WAN profile: named regions, their optional short aliases, and per unordered pair of regions the
 * round-trip time mean, a jitter figure and a loss probability. Loaded from a {@code .wan} file whose format is
 * described in {@code docs/wan-profiles.md}; every profile that loads is complete (each pair of regions has a
 * link) and valid (numbers finite, not negative, loss within [0, 1]).
 * <p>
 * Regions are indexed 0 to {@link #regionCount()} - 1 in the order the file declares them; simulations use region
 * index i for replica i. Links are symmetric: {@code rttMs(a, b) == rttMs(b, a)}. The profile models links between
 * regions only: a region to itself has RTT, jitter and loss 0 (see {@link LinkModel} for the local delay).
 * <p>
 * Instances are immutable and safe to share between threads. Index accessors do not allocate.
 */
public final class WanProfile
{
    /** Files larger than this are rejected before reading; several times a full {@link #MAX_REGIONS} profile. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;

    /** Most regions a profile may declare; far more than any deployment this project simulates. */
    public static final int MAX_REGIONS = 64;

    /** File name extension of WAN profiles, which {@link #resolve(String, Path)} appends to a profile name. */
    public static final String FILE_EXTENSION = ".wan";

    /** Folder under the config directory that holds the WAN profiles. */
    public static final String CONFIG_SUBDIRECTORY = "wan";

    private final String name;
    private final List<String> regions;
    private final Map<String, String> aliases;
    private final Map<String, Integer> indexByRegionOrAlias;
    private final int regionCount;
    private final double[] rttMs;
    private final double[] jitterMs;
    private final double[] lossProbability;

    /**
     * Takes ownership of the arrays, which are row-major {@code regionCount x regionCount} matrices, symmetric with
     * zero diagonal; the parser guarantees this.
     */
    WanProfile(
        final String name,
        final List<String> regions,
        final Map<String, String> aliases,
        final double[] rttMs,
        final double[] jitterMs,
        final double[] lossProbability)
    {
        this.name = name;
        this.regions = List.copyOf(regions);
        this.aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
        this.regionCount = regions.size();
        this.rttMs = rttMs;
        this.jitterMs = jitterMs;
        this.lossProbability = lossProbability;

        final HashMap<String, Integer> indexByRegionOrAlias = new HashMap<>();
        for (int i = 0; i < regionCount; i++)
        {
            indexByRegionOrAlias.put(regions.get(i), i);
        }
        for (final Map.Entry<String, String> alias : aliases.entrySet())
        {
            indexByRegionOrAlias.put(alias.getKey(), indexByRegionOrAlias.get(alias.getValue()));
        }
        this.indexByRegionOrAlias = indexByRegionOrAlias;
    }

    /**
     * Read, parse and validate a profile file. Blocking file I/O; no side effects.
     *
     * @param file a {@code .wan} file.
     * @return the profile, complete and valid.
     * @throws WanProfileException if the file cannot be read or is not a valid profile; the message names the file,
     *                             the line and the bad value.
     */
    public static WanProfile load(final Path file) throws WanProfileException
    {
        Objects.requireNonNull(file, "file");
        final String source = file.toString();
        if (Files.isDirectory(file))
        {
            throw new WanProfileException(
                source, WanProfileException.NO_LINE, "is a directory, not a WAN profile file");
        }

        final List<String> lines;
        try
        {
            final long sizeBytes = Files.size(file);
            if (sizeBytes > MAX_FILE_BYTES)
            {
                throw new WanProfileException(
                    source,
                    WanProfileException.NO_LINE,
                    "file of " + sizeBytes + " bytes is larger than the limit of " + MAX_FILE_BYTES + " bytes");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new WanProfileException(source, WanProfileException.NO_LINE, "no such WAN profile file", ex);
        }
        catch (final MalformedInputException ex)
        {
            throw new WanProfileException(source, WanProfileException.NO_LINE, "not UTF-8 text", ex);
        }
        catch (final IOException ex)
        {
            throw new WanProfileException(source, WanProfileException.NO_LINE, "cannot read: " + ex, ex);
        }

        return new WanProfileParser(source).parse(lines);
    }

    /**
     * Find and load a profile by name or by path. A {@code nameOrPath} that contains a path separator or ends in
     * {@value #FILE_EXTENSION} is a path to a file (relative to the working directory when not absolute); anything
     * else is a profile name, loaded from {@code <configDir>/wan/<name>.wan}. Blocking file I/O.
     *
     * @param nameOrPath a profile name such as {@code "epaxos-5"}, or a path such as {@code "/tmp/my.wan"}.
     * @param configDir  the config directory holding {@code wan/}; may be null only when {@code nameOrPath} is a
     *                   path.
     * @return the profile, complete and valid.
     * @throws WanProfileException if no such profile exists (the message lists the available names) or it is not
     *                             valid (see {@link #load(Path)}).
     */
    public static WanProfile resolve(final String nameOrPath, final Path configDir) throws WanProfileException
    {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        final String trimmed = nameOrPath.strip();
        if (trimmed.isEmpty())
        {
            throw new WanProfileException(null, WanProfileException.NO_LINE, "empty WAN profile name");
        }

        if (isPath(trimmed))
        {
            try
            {
                return load(Path.of(trimmed));
            }
            catch (final InvalidPathException ex)
            {
                throw new WanProfileException(
                    null, WanProfileException.NO_LINE, "invalid WAN profile path '" + trimmed + "': " + ex.getReason());
            }
        }

        if (!WanProfileParser.isValidName(trimmed))
        {
            throw new WanProfileException(
                null,
                WanProfileException.NO_LINE,
                "invalid WAN profile name '" + trimmed + "': " + WanProfileParser.NAME_RULE);
        }
        if (null == configDir)
        {
            throw new WanProfileException(
                null,
                WanProfileException.NO_LINE,
                "no config directory to find WAN profile '" + trimmed + "' in; give a path to a .wan file instead");
        }

        final Path profileDir = configDir.resolve(CONFIG_SUBDIRECTORY);
        final Path file = profileDir.resolve(trimmed + FILE_EXTENSION);
        if (!Files.isRegularFile(file))
        {
            throw new WanProfileException(
                null,
                WanProfileException.NO_LINE,
                "unknown WAN profile '" + trimmed + "': no file " + file + " (" + describeAvailable(profileDir) + ")");
        }

        return load(file);
    }

    /** The name from the file's {@code profile} line (for a {@link #firstRegions(int)} copy, see there). */
    public String name()
    {
        return name;
    }

    /** Region names in declaration order; index i of this list is region index i. Unmodifiable. */
    public List<String> regions()
    {
        return regions;
    }

    /** Aliases to the region names they stand for, in declaration order. Unmodifiable; possibly empty. */
    public Map<String, String> aliases()
    {
        return aliases;
    }

    /** Number of regions, at least 1 and at most {@link #MAX_REGIONS}. */
    public int regionCount()
    {
        return regionCount;
    }

    /**
     * The index of a region given by its name or alias (exact, case-sensitive match).
     *
     * @param nameOrAlias a region name such as {@code "us-east-1"} or an alias such as {@code "VA"}.
     * @return the region index, within [0, {@link #regionCount()}).
     * @throws WanProfileException if no region has this name or alias; the message lists the known ones.
     */
    public int regionIndex(final String nameOrAlias) throws WanProfileException
    {
        final Integer index = null == nameOrAlias ? null : indexByRegionOrAlias.get(nameOrAlias);
        if (null == index)
        {
            throw new WanProfileException(
                null,
                WanProfileException.NO_LINE,
                "unknown region '" + nameOrAlias + "' in WAN profile '" + name + "' (known: " +
                WanProfileParser.describeRegions(regions, aliases) + ")");
        }

        return index;
    }

    /**
     * Round-trip time mean between two regions in milliseconds; symmetric; 0 when {@code a == b}.
     *
     * @throws IndexOutOfBoundsException if an index is outside [0, {@link #regionCount()}).
     */
    public double rttMs(final int a, final int b)
    {
        return rttMs[cell(a, b)];
    }

    /**
     * The round trip from {@code region} to its {@code nth} nearest other region, in milliseconds: the time to hear
     * from a quorum of {@code nth} others besides itself. 0 when {@code nth} is 0.
     *
     * @throws IndexOutOfBoundsException if {@code region} is not a region or {@code nth} is outside
     *                                   [0, {@link #regionCount()} - 1].
     */
    public double nearestRttMs(final int region, final int nth)
    {
        final int n = regionCount();
        java.util.Objects.checkIndex(region, n);
        java.util.Objects.checkIndex(nth, n);
        if (nth == 0)
        {
            return 0;
        }
        final double[] rtts = new double[n - 1];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            if (i != region)
            {
                rtts[k++] = rttMs(region, i);
            }
        }
        java.util.Arrays.sort(rtts);
        return rtts[nth - 1];
    }

    /**
     * Jitter of the round-trip time between two regions in milliseconds (the standard deviation of the RTT, as
     * ping's mdev reports it); symmetric; 0 when {@code a == b}.
     *
     * @throws IndexOutOfBoundsException if an index is outside [0, {@link #regionCount()}).
     */
    public double jitterMs(final int a, final int b)
    {
        return jitterMs[cell(a, b)];
    }

    /**
     * Probability within [0, 1] that one message sent from one region to the other is lost; symmetric; 0 when
     * {@code a == b}.
     *
     * @throws IndexOutOfBoundsException if an index is outside [0, {@link #regionCount()}).
     */
    public double lossProbability(final int a, final int b)
    {
        return lossProbability[cell(a, b)];
    }

    /**
     * A copy restricted to the first {@code n} regions, for running N = 3 on a 5-region profile. Links between the
     * kept regions are unchanged; aliases of dropped regions are dropped. The copy is named
     * {@code <name>-first<n>} (a valid profile name), unless {@code n == regionCount()}, which returns this profile.
     *
     * @param n number of regions to keep, within [1, {@link #regionCount()}].
     * @throws IllegalArgumentException if {@code n} is out of range.
     */
    public WanProfile firstRegions(final int n)
    {
        if (n < 1 || n > regionCount)
        {
            throw new IllegalArgumentException(
                "firstRegions(" + n + ") on WAN profile '" + name + "' with " + regionCount +
                " regions: n must be within [1, " + regionCount + "]");
        }
        if (n == regionCount)
        {
            return this;
        }

        final List<String> keptRegions = regions.subList(0, n);
        final LinkedHashMap<String, String> keptAliases = new LinkedHashMap<>();
        for (final Map.Entry<String, String> alias : aliases.entrySet())
        {
            if (indexByRegionOrAlias.get(alias.getValue()) < n)
            {
                keptAliases.put(alias.getKey(), alias.getValue());
            }
        }

        final double[] keptRttMs = new double[n * n];
        final double[] keptJitterMs = new double[n * n];
        final double[] keptLossProbability = new double[n * n];
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b < n; b++)
            {
                keptRttMs[a * n + b] = rttMs[a * regionCount + b];
                keptJitterMs[a * n + b] = jitterMs[a * regionCount + b];
                keptLossProbability[a * n + b] = lossProbability[a * regionCount + b];
            }
        }

        return new WanProfile(
            name + "-first" + n, keptRegions, keptAliases, keptRttMs, keptJitterMs, keptLossProbability);
    }

    @Override
    public String toString()
    {
        return "WanProfile{name=" + name + ", regions=[" + WanProfileParser.describeRegions(regions, aliases) + "]}";
    }

    private int cell(final int a, final int b)
    {
        Objects.checkIndex(a, regionCount);
        Objects.checkIndex(b, regionCount);
        return a * regionCount + b;
    }

    private static boolean isPath(final String nameOrPath)
    {
        return nameOrPath.endsWith(FILE_EXTENSION) ||
            nameOrPath.indexOf('/') >= 0 ||
            nameOrPath.indexOf(File.separatorChar) >= 0;
    }

    private static String describeAvailable(final Path profileDir)
    {
        if (!Files.isDirectory(profileDir))
        {
            return "directory " + profileDir + " does not exist";
        }

        final ArrayList<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(profileDir, "*" + FILE_EXTENSION))
        {
            for (final Path file : files)
            {
                final String fileName = file.getFileName().toString();
                names.add(fileName.substring(0, fileName.length() - FILE_EXTENSION.length()));
            }
        }
        catch (final IOException ex)
        {
            return "cannot list " + profileDir + ": " + ex;
        }

        Collections.sort(names);
        return names.isEmpty() ? "no profiles in " + profileDir : "available: " + String.join(", ", names);
    }
}
